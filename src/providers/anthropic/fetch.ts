import type { ClientOptions } from 'openai';
import { AnthropicRequestError, localErrorResponse, passThroughErrorResponse, responseHeaders } from './errors.js';
import { toMessagesRequest } from './request-translation.js';
import { toChatCompletion } from './response-translation.js';
import { translateEventStream } from './stream-translation.js';
import type { AnthropicMessage } from './wire-types.js';

/** The `fetch` signature the OpenAI client calls. */
export type Fetch = NonNullable<ClientOptions['fetch']>;

/** Settings of {@link createAnthropicFetch}. */
export interface AnthropicFetchConfig {
  /** The fetch that reaches Anthropic (default: the global `fetch`). */
  readonly fetch: Fetch | undefined;
  /** `max_tokens` when the request sets none. */
  readonly defaultMaxTokens: number;
  /** The `anthropic-version` header. */
  readonly anthropicVersion: string;
}

// Symbol.for: a fetch made by the CommonJS copy of the package is recognised by the ESM copy and the other way round.
const CONFIG = Symbol.for('chat-cmpl-stream-handler.anthropic.fetchConfig');

/** A translating fetch, carrying its configuration (so `withOptions` can rebuild the client). */
export type AnthropicFetch = Fetch & { readonly [CONFIG]: AnthropicFetchConfig };

/** The configuration of a fetch made by {@link createAnthropicFetch}, or `undefined` for any other fetch. */
export function anthropicFetchConfig(fetch: unknown): AnthropicFetchConfig | undefined {
  return typeof fetch === 'function' ? (fetch as Partial<AnthropicFetch>)[CONFIG] : undefined;
}

const CHAT_COMPLETIONS_PATH = '/chat/completions';
/** OpenAI-only headers the client adds; the API key moves from `Authorization` to `x-api-key`. */
const OPENAI_ONLY_HEADERS = ['authorization', 'openai-organization', 'openai-project', 'content-length'];

/**
 * A `fetch` for the OpenAI client that answers `POST {baseURL}/chat/completions` by calling
 * `POST {baseURL}/v1/messages` and translating both ways; the client's retries, timeouts, abort
 * handling and error classes work on the translated responses as they would on OpenAI's.
 *
 * - Requests Anthropic cannot express are answered locally with HTTP 400 (`BadRequestError`, not retried).
 * - Other endpoints (`client.models.list()`, `client.responses.create()`, ...) are answered with 404.
 * - Anthropic's HTTP errors pass through with their status, body and `retry-after`.
 */
export function createAnthropicFetch(config: AnthropicFetchConfig): AnthropicFetch {
  const anthropicFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (method !== 'POST' || !url.pathname.endsWith(CHAT_COMPLETIONS_PATH)) {
      return localErrorResponse(
        404,
        'not_found_error',
        `AnthropicOpenAI only translates chat.completions.create (POST ${CHAT_COMPLETIONS_PATH}); ${method} ${url.pathname} has no ` +
          'Anthropic equivalent here. Use an Anthropic client for other endpoints.',
      );
    }

    let messagesBody: string;
    let streaming: boolean;
    try {
      const request = toMessagesRequest(JSON.parse(await bodyText(init?.body)), config);
      streaming = request.stream === true;
      messagesBody = JSON.stringify(request);
    } catch (error) {
      if (error instanceof AnthropicRequestError || error instanceof SyntaxError) {
        return localErrorResponse(400, 'invalid_request_error', `AnthropicOpenAI: ${error.message}`);
      }
      throw error;
    }

    const upstream = await (config.fetch ?? globalThis.fetch)(messagesUrl(url), {
      ...init,
      method: 'POST',
      headers: anthropicHeaders(init?.headers, config.anthropicVersion),
      body: messagesBody,
    });
    if (!upstream.ok) return passThroughErrorResponse(upstream);
    return streaming ? translateStreamingResponse(upstream) : translateJsonResponse(upstream);
  };
  return Object.assign(anthropicFetch, { [CONFIG]: config }) as AnthropicFetch;
}

/** `{base}/chat/completions?q` → `{base}/v1/messages?q`; a base already ending in `/v1` gets no second one. */
export function messagesUrl(chatUrl: URL): string {
  const target = new URL(chatUrl.href);
  const base = target.pathname.slice(0, -CHAT_COMPLETIONS_PATH.length).replace(/\/+$/, '');
  target.pathname = base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`;
  return target.href;
}

function anthropicHeaders(source: ConstructorParameters<typeof Headers>[0], anthropicVersion: string): Headers {
  const headers = new Headers(source);
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  for (const name of OPENAI_ONLY_HEADERS) headers.delete(name);
  if (bearer && !headers.has('x-api-key')) headers.set('x-api-key', bearer);
  if (!headers.has('anthropic-version')) headers.set('anthropic-version', anthropicVersion);
  headers.set('content-type', 'application/json');
  return headers;
}

async function bodyText(body: RequestInit['body'] | undefined): Promise<string> {
  if (typeof body === 'string') return body;
  if (body == null) throw new AnthropicRequestError('The chat completion request has no body.');
  return new Response(body).text();
}

function translateStreamingResponse(upstream: Response): Response {
  if (!upstream.body || !(upstream.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return localErrorResponse(
      502,
      'invalid_stream_error',
      `AnthropicOpenAI asked Anthropic for a stream but got ${upstream.headers.get('content-type') ?? 'no content type'}; check the baseURL.`,
    );
  }
  return new Response(translateEventStream(upstream.body), {
    status: 200,
    headers: responseHeaders(upstream.headers, 'text/event-stream; charset=utf-8'),
  });
}

async function translateJsonResponse(upstream: Response): Promise<Response> {
  const text = await upstream.text();
  let message: AnthropicMessage;
  try {
    message = JSON.parse(text) as AnthropicMessage;
  } catch {
    return localErrorResponse(502, 'invalid_response_error', `Anthropic answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (message?.type !== 'message' || !Array.isArray(message.content)) {
    return localErrorResponse(502, 'invalid_response_error', `Anthropic answered with something that is not a message: ${text.slice(0, 200)}`);
  }
  return new Response(JSON.stringify(toChatCompletion(message)), {
    status: 200,
    headers: responseHeaders(upstream.headers, 'application/json'),
  });
}
