import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';

/**
 * Telemetry is on but the optional peer dependency `@opentelemetry/api` cannot be loaded. A run with
 * telemetry on fails with it before sending anything; `cause` is the loader's error. Install the
 * package (`npm install @opentelemetry/api`) or turn telemetry off.
 */
export class TelemetryUnavailableError extends ChatCmplError {
  static {
    brandError(this, 'TelemetryUnavailableError');
  }
  constructor(cause: unknown) {
    super(
      'telemetry is on, but the optional peer dependency @opentelemetry/api could not be loaded' +
        `${cause instanceof Error ? ` (${cause.message.split('\n')[0]})` : ''}. ` +
        'Install it next to this package (npm install @opentelemetry/api, version >=1.9 <2), or turn telemetry off.',
      { cause },
    );
  }
}
