import type { RecordedRequest } from './recorded-request.js';
import type { DynamicReply, HttpErrorReply } from './scripted-server.js';

/** A tool call the scripted Claude makes (a `tool_use` block). */
export interface AnthropicToolUseSpec {
  /** Tool name. */
  name: string;
  /** The input object; a string is streamed as is (it may be invalid JSON on purpose). Default `{}`. */
  input?: Record<string, unknown> | string;
  /** Block id; default `toolu_<reply>_<index>`. */
  id?: string;
}

/** One content block of a scripted Anthropic message, in the order it is streamed. */
export type AnthropicBlockSpec =
  | {
      /** A `text` block. */
      type: 'text';
      /** The text, streamed in `chunkSize`-character `text_delta`s. */
      text: string;
    }
  | {
      /** A `thinking` block. */
      type: 'thinking';
      /** The thinking text, streamed in `chunkSize`-character `thinking_delta`s, then a `signature_delta`. */
      thinking: string;
      /** Default: a signature the server makes up and later checks when the block is sent back. */
      signature?: string;
    }
  | {
      /** A `redacted_thinking` block. */
      type: 'redacted_thinking';
      /** The opaque data, sent whole in `content_block_start`; the server checks it comes back unchanged. */
      data: string;
    }
  | ({
      /** A `tool_use` block; its input streams in `argumentChunkSize`-character `input_json_delta`s. */
      type: 'tool_use';
    } & AnthropicToolUseSpec);

/** Token counts to report; the defaults are counted from the request and reply sizes. */
export interface AnthropicUsageSpec {
  /**
   * Input tokens (Anthropic counts only uncached input here), sent in `message_start`. Default: one
   * per four characters of the request's system, messages and tools.
   */
  input_tokens: number;
  /** Output tokens, sent in `message_delta` (`message_start` says 1). Default: one per four characters of the blocks, at least 1. */
  output_tokens: number;
  /** Input tokens written to the prompt cache; reported only when given. */
  cache_creation_input_tokens: number;
  /** Input tokens read from the prompt cache; reported only when given. */
  cache_read_input_tokens: number;
}

/** Everything one scripted Anthropic message contains. */
export interface AnthropicMessageSpec {
  /** The content blocks, streamed in this order. */
  content: AnthropicBlockSpec[];
  /** Default `tool_use` when there is a tool_use block, else `end_turn`. */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn' | (string & {});
  /** The matched stop sequence, with `stopReason: 'stop_sequence'`. */
  stopSequence?: string;
  /** Usage to report (`cache_*` only when given). */
  usage?: Partial<AnthropicUsageSpec>;
  /** Characters per text / thinking delta. Default 4. */
  chunkSize?: number;
  /** Characters per `input_json_delta`. Default 5. */
  argumentChunkSize?: number;
  /** Model in the message. Default: the requested model. */
  model?: string;
  /** Message id. Default `msg_scripted_<reply>`. */
  id?: string;
}

/** How a streamed Anthropic reply is delivered. */
export interface AnthropicDeliveryOptions {
  /** Milliseconds between events. Default 0 (all events in one write). */
  delayMs?: number;
  /** Milliseconds before the response headers. */
  headersDelayMs?: number;
  /** After this many events, send an `error` event (like Anthropic's mid-stream `overloaded_error`) and end. */
  failAfter?: number;
  /** The error of `failAfter`. Default `{ type: 'overloaded_error', message: 'Overloaded' }`. */
  streamError?: {
    /** The error's `type`. Default `overloaded_error`. */
    type?: string;
    /** The error's `message`. Default `Overloaded`. */
    message?: string;
  };
  /** After this many events, destroy the connection. */
  dropAfter?: number;
  /** Milliseconds between the response headers and the first event. */
  firstChunkDelayMs?: number;
  /** After this many events, send nothing more and hold the connection open until the client hangs up. */
  stallAfter?: number;
}

/** A raw event for {@link anthropicReply.raw}: `{ event, data }`, or the data alone (its `type` names the event). */
export type RawAnthropicEvent =
  | {
      /** The SSE `event:` name. */
      event: string;
      /** The `data:` payload, JSON-serialised. */
      data: unknown;
    }
  | {
      /** The event name; the whole object is the `data:` payload. */
      type: string;
      [key: string]: unknown;
    };

/** One scripted Anthropic response, consumed by one request. */
export type AnthropicScriptedReply =
  | {
      /** A message built from `spec`: streamed as events, or one JSON message for a non-streaming request. */
      readonly kind: 'message';
      /** What the message contains. */
      readonly spec: AnthropicMessageSpec;
      /** How the events are sent (ignored for a non-streaming request). */
      readonly delivery: AnthropicDeliveryOptions;
    }
  | {
      /** Events sent as they are; answers streaming requests only (any other is a script problem, HTTP 500). */
      readonly kind: 'raw';
      /** The events, in order. */
      readonly events: readonly RawAnthropicEvent[];
      /** How the events are sent. */
      readonly delivery: AnthropicDeliveryOptions;
    }
  | HttpErrorReply
  | DynamicReply<AnthropicScriptedReply>;

/** Options of {@link anthropicReply.text} and {@link anthropicReply.toolUse}. */
export type AnthropicReplyOptions = Omit<AnthropicMessageSpec, 'content'> &
  AnthropicDeliveryOptions & {
    /** A thinking block streamed first. */
    thinking?: string;
    /** A redacted thinking block (its opaque `data`) after the thinking block. */
    redactedThinking?: string;
  };

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function message(spec: AnthropicMessageSpec & AnthropicDeliveryOptions): AnthropicScriptedReply {
  const { delayMs, headersDelayMs, firstChunkDelayMs, failAfter, streamError, dropAfter, stallAfter, ...rest } = spec;
  return { kind: 'message', spec: rest, delivery: { delayMs, headersDelayMs, firstChunkDelayMs, failAfter, streamError, dropAfter, stallAfter } };
}

function withThinking(options: AnthropicReplyOptions, blocks: AnthropicBlockSpec[]): AnthropicScriptedReply {
  const { thinking, redactedThinking, ...rest } = options;
  const leading: AnthropicBlockSpec[] = [];
  if (thinking !== undefined) leading.push({ type: 'thinking', thinking });
  if (redactedThinking !== undefined) leading.push({ type: 'redacted_thinking', data: redactedThinking });
  return message({ ...rest, content: [...leading, ...blocks] });
}

/** Builders of {@link AnthropicScriptedReply}s for {@link ScriptedAnthropicServer}. */
export const anthropicReply = {
  /** An answer of plain text (optionally after thinking), streamed in `chunkSize`-character deltas. */
  text(text: string, options: AnthropicReplyOptions = {}): AnthropicScriptedReply {
    return withThinking(options, [{ type: 'text', text }]);
  },
  /** One or more `tool_use` blocks, optionally after thinking and some text (`options.text`). */
  toolUse(uses: AnthropicToolUseSpec | AnthropicToolUseSpec[], options: AnthropicReplyOptions & { text?: string } = {}): AnthropicScriptedReply {
    const { text, ...rest } = options;
    const blocks: AnthropicBlockSpec[] = text !== undefined ? [{ type: 'text', text }] : [];
    for (const use of Array.isArray(uses) ? uses : [uses]) blocks.push({ type: 'tool_use', ...use });
    return withThinking(rest, blocks);
  },
  /** A message of any blocks in any order. */
  message,
  /** An HTTP error with Anthropic's body `{ type: 'error', error: { type, message } }` and a `request-id` header. */
  httpError(
    status: number,
    options: { type?: string; message?: string; headers?: Record<string, string>; body?: unknown } = {},
  ): AnthropicScriptedReply {
    const type = options.type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    const body = options.body ?? { type: 'error', error: { type, message: options.message ?? `Scripted HTTP ${status}` } };
    return { kind: 'http-error', status, body, headers: options.headers ?? {} };
  },
  /** HTTP 529 `overloaded_error`, which Anthropic sends when it is busy (retried by the OpenAI SDK like a 5xx). */
  overloaded(options: { message?: string; headers?: Record<string, string> } = {}): AnthropicScriptedReply {
    return anthropicReply.httpError(529, { type: 'overloaded_error', message: options.message ?? 'Overloaded', headers: options.headers });
  },
  /** Raw stream events, for shapes no option covers. */
  raw(events: readonly RawAnthropicEvent[], delivery: AnthropicDeliveryOptions = {}): AnthropicScriptedReply {
    return { kind: 'raw', events, delivery };
  },
  /** A reply computed from the request. */
  dynamic(build: (request: RecordedRequest) => AnthropicScriptedReply): AnthropicScriptedReply {
    return { kind: 'dynamic', build };
  },
};

/** Shorthand for an {@link AnthropicToolUseSpec}. */
export function toolUse(name: string, input: AnthropicToolUseSpec['input'] = {}, options: { id?: string } = {}): AnthropicToolUseSpec {
  return { name, input, ...options };
}
