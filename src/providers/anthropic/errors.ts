import type { AnthropicErrorBody } from './wire-types.js';
import { brandError, ChatCmplError } from '../../errors/chat-cmpl-error.js';

/**
 * A Chat Completions request the adapter cannot express as a Messages request. The fetch layer turns
 * it into an HTTP 400 answer, so callers get the OpenAI SDK's `BadRequestError` with this message and
 * no request reaches Anthropic.
 */
export class AnthropicRequestError extends ChatCmplError {
  static {
    brandError(this, 'AnthropicRequestError');
  }
}

/** The `{ type: 'error', error: { type, message } }` body Anthropic uses for HTTP errors and stream errors. */
export function errorBody(type: string, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message } };
}

/**
 * An error answered locally, shaped like Anthropic's (the OpenAI SDK reads `error.type` and
 * `error.message` from it). `x-should-retry: false` keeps the SDK from retrying what cannot succeed.
 */
export function localErrorResponse(status: number, type: string, message: string): Response {
  return new Response(JSON.stringify(errorBody(type, message)), {
    status,
    headers: { 'content-type': 'application/json', 'x-should-retry': 'false' },
  });
}

/**
 * Anthropic's HTTP error, handed to the OpenAI SDK unchanged but for headers: its body already has
 * the `error: { type, message }` the SDK reads, `retry-after` and `x-should-retry` drive the SDK's
 * retries (429, 5xx and 529 `overloaded_error` are retried), and `request-id` is copied to the
 * `x-request-id` the SDK exposes as `error.requestID`.
 */
export function passThroughErrorResponse(upstream: Response): Response {
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders(upstream.headers) });
}

const HOP_HEADERS = ['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'];

/** Upstream headers for a response whose body we re-encode, with Anthropic's `request-id` also as `x-request-id`. */
export function responseHeaders(upstream: Headers, contentType?: string): Headers {
  const headers = new Headers(upstream);
  for (const name of HOP_HEADERS) headers.delete(name);
  const requestId = upstream.get('request-id');
  if (requestId && !headers.has('x-request-id')) headers.set('x-request-id', requestId);
  if (contentType) headers.set('content-type', contentType);
  return headers;
}
