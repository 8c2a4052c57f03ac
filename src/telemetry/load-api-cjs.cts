// The CommonJS build's version of load-api.ts (tshy's dialect polyfill).

/** Loads the optional peer `@opentelemetry/api` (only ever called once telemetry is on). */
export async function importOpenTelemetryApi(): Promise<typeof import('@opentelemetry/api')> {
  return require('@opentelemetry/api') as typeof import('@opentelemetry/api');
}
