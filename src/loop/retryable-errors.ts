import { ChatCmplError } from '../errors/chat-cmpl-error.js';
import { APIConnectionError, APIError, APIUserAbortError, causeChain, isStreamErrorEvent } from './openai-sdk.js';
import { StreamTimeoutError } from './stream-timeouts.js';

/** HTTP statuses worth sending the same request again for (the OpenAI SDK's own list). */
const RETRYABLE_STATUSES = new Set([408, 409, 429]);

/**
 * Error codes of a connection that broke: Node's socket errors and undici's (the `fetch` under the
 * OpenAI SDK). A stream cut mid-way surfaces as the SDK's `OpenAIError("terminated")` whose cause
 * chain ends in undici's `SocketError` (`UND_ERR_SOCKET`).
 */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Whether a failed model request may succeed when sent again: a stream timeout, a connection that
 * failed or broke (before or during the stream), HTTP 408/409/429/5xx (unless the provider says
 * `x-should-retry: false`), or an error event in the middle of the stream (the SDK's `APIError`
 * without a status). Never an abort, a hook's error, a 4xx that describes the request (400, 401,
 * 403, 404, 422), or a malformed answer.
 */
export function isRetryableRequestError(error: unknown): boolean {
  if (error instanceof StreamTimeoutError) return true;
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) {
    const verdict = shouldRetryHeader(error);
    if (verdict !== undefined) return verdict;
    if (isStreamErrorEvent(error)) return true;
    return error.status !== undefined && (RETRYABLE_STATUSES.has(error.status) || error.status >= 500);
  }
  // Our own errors (a hook's HookError, ModelResponseError) say what went wrong; whatever they wrap is not the connection.
  if (error instanceof ChatCmplError) return false;
  return brokeConnection(error);
}

/**
 * How long the provider asked to wait before the next request, from the `retry-after-ms` (OpenAI's)
 * or `retry-after` (seconds or an HTTP date) header of an HTTP error; `undefined` when it did not say.
 */
export function retryAfterMs(error: unknown): number | undefined {
  const headers = headersOf(error);
  if (!headers) return undefined;
  const millis = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const after = headers.get('retry-after');
  if (!after) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function shouldRetryHeader(error: APIError): boolean | undefined {
  const value = headersOf(error)?.get('x-should-retry');
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** The response headers of an `APIError` (a `Headers` object in openai 6 and 7). */
function headersOf(error: unknown): { get(name: string): string | null } | undefined {
  const headers = (error as { headers?: unknown } | null)?.headers;
  return headers && typeof (headers as Headers).get === 'function' ? (headers as Headers) : undefined;
}

function brokeConnection(error: unknown): boolean {
  // undici's own word for a body that ended early is "terminated"; its cause carries the code when it has one.
  return causeChain(error).some(({ code, message, isTypeError }) => (typeof code === 'string' && CONNECTION_CODES.has(code)) || (isTypeError && message === 'terminated'));
}
