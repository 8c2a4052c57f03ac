// The ESM build's version of this module; the CommonJS build uses load-api-cjs.cts instead (tshy's
// dialect polyfill): a `require()` there, because jest runs CommonJS code in a VM where `import()`
// fails without --experimental-vm-modules.

/** Loads the optional peer `@opentelemetry/api` (only ever called once telemetry is on). */
export async function importOpenTelemetryApi(): Promise<typeof import('@opentelemetry/api')> {
  const loaded: any = await import('@opentelemetry/api');
  // A CommonJS package imported from ESM: take module.exports if the named exports were not detected.
  return typeof loaded.trace === 'object' ? loaded : loaded.default;
}
