import type { OpenTelemetryApi } from './otel-api.js';

// Which tracers and meters already had a failure reported: each is reported once, not once per span.
const reported = new WeakSet<object>();

/**
 * Reports an error telemetry itself raised (a tracer, span, meter or context manager that threw). The
 * run it happened in goes on; the first failure of each tracer or meter is written with
 * `console.warn`, later ones go to OpenTelemetry's `diag` logger only. Never throws.
 *
 * @param source - the tracer or meter in use, which keys "once".
 */
export function reportTelemetryFailure(api: OpenTelemetryApi | undefined, source: object, error: unknown): void {
  try {
    const message = `chat-cmpl-stream-handler: an OpenTelemetry call failed and was skipped; the run goes on without it (${
      error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    }).`;
    if (reported.has(source)) {
      api?.diag.warn(message);
      return;
    }
    reported.add(source);
    console.warn(message, error);
  } catch {
    // Reporting must not fail the run either.
  }
}
