import { packageVersion } from '../mcp/package-version.js';
import { telemetryOptionProblem } from './options.js';
import { openTelemetryApi, type OpenTelemetryApi } from './otel-api.js';
import { RunTelemetry } from './run-telemetry.js';
import type { RunTracing, TracedRun } from './tracing.js';

/** The instrumentation scope of every span and metric: this package. */
const SCOPE = { name: 'chat-cmpl-stream-handler', version: packageVersion };

/**
 * Runs `body` (one run of the engine) with telemetry when `options.telemetry` is on: loads
 * `@opentelemetry/api` (once per process), starts the run span, runs the body with it active and
 * ends it with the run's outcome. With telemetry off it just calls `body`.
 *
 * @param body - the run; gets its telemetry (`undefined` when off, or when the tracer failed to start
 *   a span), or `setupError`, a `TelemetryUnavailableError` it must fail with, when the API is missing.
 *   Never throws (it reports failures in its outcome).
 */
export async function traceRun<R extends { readonly result?: { readonly completions: readonly any[] } | undefined; readonly error?: unknown }>(
  options: TracedRun,
  body: (telemetry: RunTracing | undefined, setupError?: unknown) => Promise<R>,
): Promise<R> {
  const setting = options?.telemetry;
  if (!setting) return body(undefined);
  // A malformed setting is reported by the run's option checks.
  if (telemetryOptionProblem(setting) !== undefined) return body(undefined);
  let api: OpenTelemetryApi;
  try {
    const loading = openTelemetryApi();
    api = loading instanceof Promise ? await loading : loading;
  } catch (setupError) {
    return body(undefined, setupError);
  }
  const telemetry = RunTelemetry.start(api, setting, SCOPE, options);
  if (!telemetry) return body(undefined);
  let outcome: R | undefined;
  try {
    outcome = await telemetry.within(() => body(telemetry));
    return outcome;
  } finally {
    telemetry.end(outcome ?? { error: new Error('The run ended without an outcome.') });
  }
}
