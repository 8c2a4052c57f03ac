import { TelemetryUnavailableError } from './errors.js';
import { importOpenTelemetryApi } from './load-api.js';

/** The `@opentelemetry/api` module, as loaded at run time. */
export type OpenTelemetryApi = typeof import('@opentelemetry/api');

let loading: Promise<OpenTelemetryApi> | undefined;
let loaded: OpenTelemetryApi | undefined;

/**
 * `@opentelemetry/api`, loaded on first use and kept. Synchronous once loaded, so a traced run awaits
 * nothing extra after the first.
 *
 * @throws {TelemetryUnavailableError} (asynchronously, a new one each call) when the package cannot be loaded.
 */
export function openTelemetryApi(): OpenTelemetryApi | Promise<OpenTelemetryApi> {
  if (loaded) return loaded;
  loading ??= importOpenTelemetryApi().then((api) => (loaded = api));
  // Each failed run gets its own error (runs record their messages on it).
  return loading.catch((cause: unknown) => {
    throw new TelemetryUnavailableError(cause);
  });
}
