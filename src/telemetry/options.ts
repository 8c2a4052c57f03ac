// Public types of the `telemetry` option. They are structural on purpose: the declarations of the
// core entry must not name `@opentelemetry/api`, an optional peer a user without telemetry lacks.

/**
 * An OpenTelemetry `Tracer` from `@opentelemetry/api` (e.g. `trace.getTracer('my-app')` or a
 * `tracerProvider.getTracer(...)` of your SDK). Only its shape is declared here.
 */
export interface TelemetryTracer {
  startSpan(name: string, options?: any, context?: any): unknown;
}

/** An OpenTelemetry `Meter` from `@opentelemetry/api` (e.g. `metrics.getMeter('my-app')`). Only its shape is declared here. */
export interface TelemetryMeter {
  createHistogram(name: string, options?: any): unknown;
}

/** The object form of the `telemetry` option. */
export interface TelemetryOptions {
  /**
   * Where spans go. Default: the global tracer provider's tracer for this library (the one your
   * OpenTelemetry SDK registered; without one, spans are no-ops).
   */
  tracer?: TelemetryTracer;
  /** Where metrics go. Default: the global meter provider's meter for this library. */
  meter?: TelemetryMeter;
  /**
   * Records prompts, outputs, tool arguments and results (`gen_ai.input.messages`,
   * `gen_ai.output.messages`, `gen_ai.tool.call.arguments`, `gen_ai.tool.call.result`) and error
   * messages. They are likely to hold personal data: off by default.
   * @defaultValue `false`
   */
  captureContent?: boolean;
}

/**
 * The `telemetry` option of a run, an `Agent` or `ChatToolsModule.forRoot`: `true` for OpenTelemetry
 * traces and metrics through the global providers, an object to choose the tracer, the meter or
 * content capture, `false` (the default) for none. Needs the optional peer `@opentelemetry/api`.
 */
export type TelemetrySetting = boolean | TelemetryOptions;

const OPTION_KEYS = ['tracer', 'meter', 'captureContent'] as const;

/** What is wrong with a `telemetry` option value, or `undefined` when it is well formed. */
export function telemetryOptionProblem(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `telemetry must be true, false or { tracer?, meter?, captureContent? }, got ${describe(value)}.`;
  }
  const options = value as Record<string, unknown>;
  const unknown = Object.keys(options).filter((key) => !(OPTION_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) return `telemetry has unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${OPTION_KEYS.join(', ')}.`;
  const { tracer, meter, captureContent } = options;
  if (tracer !== undefined && typeof (tracer as TelemetryTracer | null)?.startSpan !== 'function') {
    return `telemetry.tracer must be an OpenTelemetry Tracer (trace.getTracer('my-app')), got ${describe(tracer)}.`;
  }
  if (meter !== undefined && typeof (meter as TelemetryMeter | null)?.createHistogram !== 'function') {
    return `telemetry.meter must be an OpenTelemetry Meter (metrics.getMeter('my-app')), got ${describe(meter)}.`;
  }
  if (captureContent !== undefined && typeof captureContent !== 'boolean') return `telemetry.captureContent must be a boolean, got ${describe(captureContent)}.`;
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object without the expected methods';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
