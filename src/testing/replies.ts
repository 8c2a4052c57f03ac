import type { CompletionUsage } from 'openai/resources/completions';
import type { RecordedRequest } from './recorded-request.js';
import type { DynamicReply, HttpErrorReply } from './scripted-server.js';

/** A tool call the scripted model makes. */
export interface ScriptedToolCall {
  /** Function name. */
  name: string;
  /** Arguments: an object is JSON-serialised; a string is sent as is (it may be invalid JSON on purpose). */
  arguments?: string | Record<string, unknown> | unknown[];
  /** Tool call id; default `call_<reply>_<index>`. */
  id?: string;
  /** Extra fields sent on the call's first delta, e.g. Gemini's `{ extra_content: { google: { thought_signature } } }`. */
  extra?: Record<string, unknown>;
}

/** Deviations real providers make from OpenAI's stream format, to test against. */
export interface StreamQuirks {
  /** Tool-call deltas carry no `index` and each call arrives whole in one delta (Gemini). */
  omitToolCallIndex?: boolean;
  /** Tool-call indexes start at this number (Anthropic's compatible endpoint starts at 1). */
  toolCallIndexOffset?: number;
  /** Text deltas carry `tool_calls: []`. */
  emptyToolCallsInTextDeltas?: boolean;
  /** A first chunk with empty `choices`, `id` and `model`. */
  placeholderFirstChunk?: boolean;
  /** The usage chunk has an empty `id` (and is sent even without `stream_options.include_usage`). */
  usageChunkWithoutId?: boolean;
  /** Deltas never carry `role`. */
  omitRole?: boolean;
  /** Tool calls never carry `type`. */
  omitToolCallType?: boolean;
}

/** Everything one scripted assistant message can contain. */
export interface MessageSpec {
  /** Reasoning text streamed before the answer in a non-standard delta field. */
  reasoning?: string;
  /** The delta field for `reasoning`. Default `reasoning_content`. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Assistant text. */
  content?: string;
  /** A refusal instead of (or besides) content. */
  refusal?: string;
  /** Tool calls, streamed after the content. */
  toolCalls?: ScriptedToolCall[];
  /** Attach log probabilities to content and refusal deltas. */
  logprobs?: boolean;
  /**
   * Default `tool_calls` when there are tool calls, else `stop`. `null` sends no finish reason at all
   * (a quirk of DeepSeek and some proxies).
   */
  finishReason?: 'stop' | 'tool_calls' | 'length' | 'content_filter' | null;
  /** Usage to report. Default: counted from the request and reply sizes. Sent in a final usage-only chunk when the request asks (`stream_options.include_usage`). */
  usage?: Partial<CompletionUsage>;
  /** Characters per content / refusal / reasoning delta. Default 4. */
  chunkSize?: number;
  /** Characters per tool-argument fragment. Default 5. */
  argumentChunkSize?: number;
  /** Explicit character positions at which every call's arguments are split (overrides `argumentChunkSize`). */
  argumentSplits?: number[];
  /** Interleave the argument fragments of several calls (call 0 frag 0, call 1 frag 0, ...). */
  interleaveToolCalls?: boolean;
  /** Provider quirks to reproduce. */
  quirks?: StreamQuirks;
  /** Model name in the chunks. Default: the requested model. */
  model?: string;
}

/** How a streamed reply is delivered. */
export interface DeliveryOptions {
  /** Milliseconds between chunks. Default 0 (all chunks in one write). */
  delayMs?: number;
  /** Milliseconds before the response headers (the client's request has not resolved yet). */
  headersDelayMs?: number;
  /** Milliseconds between the response headers and the first chunk (the request resolved; the body is silent). */
  firstChunkDelayMs?: number;
  /** After this many chunks, send an SSE error event and end the stream. */
  failAfter?: number;
  /** The error of `failAfter`, sent as `data: {"error": {...}}`. */
  streamError?: {
    /** The message the client's error carries. Default `Scripted stream error`. */
    message: string;
    /** The error's `type`. Default `server_error`. */
    type?: string;
    /** The error's `code`. Default `null`. */
    code?: string | null;
  };
  /** After this many chunks, destroy the connection (no `[DONE]`, no clean end). */
  dropAfter?: number;
  /** After this many chunks, send nothing more and hold the connection open until the client hangs up (a stalled stream; `0` stalls before the first chunk). */
  stallAfter?: number;
  /** Send the `[DONE]` line. Default true. */
  done?: boolean;
}

/** One scripted model response, consumed by one request. */
export type ScriptedReply =
  | {
      /** A message built from `spec`: streamed as chunks, or one `chat.completion` for a non-streaming request. */
      readonly kind: 'message';
      /** What the message contains. */
      readonly spec: MessageSpec;
      /** How the chunks are sent (ignored for a non-streaming request). */
      readonly delivery: DeliveryOptions;
    }
  | {
      /** Chunks sent as they are; answers streaming requests only (any other is a script problem, HTTP 500). */
      readonly kind: 'raw';
      /** Chunk objects, each JSON-serialised into one SSE `data:` line, in order. */
      readonly chunks: readonly unknown[];
      /** How the chunks are sent. */
      readonly delivery: DeliveryOptions;
    }
  | HttpErrorReply
  | DynamicReply<ScriptedReply>;

/** Options of a message reply: what it says and how it is delivered. */
export type ReplyOptions = Omit<MessageSpec, 'content' | 'toolCalls' | 'refusal'> & DeliveryOptions;

function message(spec: MessageSpec & DeliveryOptions): ScriptedReply {
  const { delayMs, headersDelayMs, firstChunkDelayMs, failAfter, streamError, dropAfter, stallAfter, done, ...rest } = spec;
  return { kind: 'message', spec: rest, delivery: { delayMs, headersDelayMs, firstChunkDelayMs, failAfter, streamError, dropAfter, stallAfter, done } };
}

/** Options of {@link reply.httpError}. */
export interface HttpErrorOptions {
  /** The error's `message`. Default `Scripted HTTP <status>`. */
  message?: string;
  /** The error's `type`. Default from the status (`rate_limit_exceeded`, `server_error`, `invalid_request_error`). */
  type?: string;
  /** The error's `code`. Default `null`. */
  code?: string | null;
  /** The `retry-after` header, in seconds (a number) or as an HTTP date (a string). */
  retryAfter?: number | string;
  /** The `retry-after-ms` header (OpenAI's own, in milliseconds). */
  retryAfterMs?: number;
  /** Extra response headers (they override the two above). */
  headers?: Record<string, string>;
  /** The whole body instead of `{ error: { message, type, param, code } }`. */
  body?: unknown;
}

/** Builders of {@link ScriptedReply}s. */
export const reply = {
  /** An answer of plain text, streamed in `chunkSize`-character deltas. */
  text(content: string, options: ReplyOptions = {}): ScriptedReply {
    return message({ ...options, content });
  },
  /** One or more tool calls (optionally after some text, via `options.content`). */
  toolCalls(calls: ScriptedToolCall | ScriptedToolCall[], options: ReplyOptions & { content?: string } = {}): ScriptedReply {
    return message({ ...options, toolCalls: Array.isArray(calls) ? calls : [calls] });
  },
  /** A refusal. */
  refusal(refusal: string, options: ReplyOptions = {}): ScriptedReply {
    return message({ ...options, refusal });
  },
  /** A message with any mix of reasoning, content, refusal and tool calls. */
  message,
  /** Raw chunk objects sent as SSE `data:` lines, for provider quirks no option covers. */
  raw(chunks: readonly unknown[], delivery: DeliveryOptions = {}): ScriptedReply {
    return { kind: 'raw', chunks, delivery };
  },
  /**
   * An HTTP error with a body the OpenAI SDK understands (`{ error: { message, type, code } }`).
   * 429 and 5xx are retried by the SDK when the client has `maxRetries`, and by the engine's `retry`.
   * `retryAfter` (seconds) and `retryAfterMs` send the `retry-after` and `retry-after-ms` headers.
   */
  httpError(status: number, options: HttpErrorOptions = {}): ScriptedReply {
    const body = options.body ?? {
      error: {
        message: options.message ?? `Scripted HTTP ${status}`,
        type: options.type ?? (status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error'),
        param: null,
        code: options.code ?? null,
      },
    };
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(options.retryAfterMs);
    return { kind: 'http-error', status, body, headers: { ...headers, ...options.headers } };
  },
  /** A reply computed from the request (e.g. to answer with what the last tool message said). */
  dynamic(build: (request: RecordedRequest) => ScriptedReply): ScriptedReply {
    return { kind: 'dynamic', build };
  },
};

/** Shorthand for a {@link ScriptedToolCall}. */
export function toolCall(name: string, args: ScriptedToolCall['arguments'] = {}, options: Omit<ScriptedToolCall, 'name' | 'arguments'> = {}): ScriptedToolCall {
  return { name, arguments: args, ...options };
}
