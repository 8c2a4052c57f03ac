/**
 * Every use of the OpenAI SDK beyond its plain `client.chat.completions.create` lives here, each with
 * the assumption it makes. The peer range is `>=6 <8`: a minor release may change any of these, so
 * test/loop/openai-sdk-contract.test.ts pins each one and CI runs it against the oldest 6.x and the
 * newest 7.x.
 *
 * Behaviours of the accumulator that ChunkNormalizer and ReasoningTracker compensate for (checked in
 * 6.0 and 7.59; harmless if a release fixes them): it throws "missing finish_reason" for a stream that
 * ends without one; it handles a chunk's finish_reason before that chunk's tool calls, so calls
 * delivered in the finishing chunk get no `arguments.done`; it overwrites delta string fields it does
 * not know (`reasoning_content`) instead of concatenating them; it copies a later chunk's fields
 * (`usage`) into the snapshot only when that chunk has a non-empty `id`.
 */
import type OpenAI from 'openai';
// Assumption: `openai/lib/*` stays importable (the package exports "./lib/*" in 6.x and 7.x) and
// `ChatCompletionStream` keeps its documented events and their payloads (see STREAM_EVENT_BUILDERS).
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
// Assumption: the SDK's own checks for `zodResponseFormat(...)` / `zodFunction(...)` objects (in 6.x and 7.x).
import { isAutoParsableResponseFormat, isAutoParsableTool } from 'openai/lib/parser';
// Assumption: the SDK's error classes come from `openai/core/error` (exported in 6.x and 7.x), the
// module its client throws them from; importing it does not load the whole client.
import { APIConnectionError, APIError, APIUserAbortError } from 'openai/core/error';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { StreamEvent, StreamEventType } from '../run/stream-events.js';

export { ChatCompletionStream };
export type { ChatCompletionSnapshot } from 'openai/lib/ChatCompletionStream';

/** The OpenAI client's per-request options (the SDK exports no stable name for them). */
export type SdkRequestOptions = NonNullable<Parameters<OpenAI['chat']['completions']['create']>[1]>;

/** Request options passed to `client.chat.completions.create` (headers, timeout, maxRetries, ...). */
export type ModelRequestOptions = Omit<SdkRequestOptions, 'signal'>;

/** What `create({ stream: true })` resolves to, as far as the accumulator uses it. */
export type ChunkStream = AsyncIterable<ChatCompletionChunk> & { controller: AbortController };

/**
 * Feeds a chunk source of ours into the SDK's `ChatCompletionStream` accumulator.
 *
 * Assumption: `ChatCompletionStream.createChatCompletion(client, params, options)` makes exactly one
 * call `client.chat.completions.create(params, { ...options, signal })` and iterates what it resolves
 * to with `for await`, reading `.controller` to abort it. So a stand-in client whose `create` returns
 * our source makes the SDK accumulate our chunks (the request itself is sent by `send`, with the
 * caller's body unchanged).
 *
 * @param params - what the accumulator parses with (see {@link accumulatorParams}), not the request body.
 * @param send - sends the real request; gets the SDK's options, whose `signal` follows `signal`.
 */
export function accumulate(
  params: ChatCompletionCreateParamsStreaming,
  signal: AbortSignal,
  send: (options: SdkRequestOptions) => Promise<ChunkStream>,
): ChatCompletionStream<null> {
  const standIn = { chat: { completions: { create: (_params: unknown, options: SdkRequestOptions) => send(options) } } } as unknown as OpenAI;
  return ChatCompletionStream.createChatCompletion<null>(standIn, params, { signal });
}

/**
 * The part of a request body the accumulator may see. It gets only what it parses with (auto-parseable
 * zod formats and tools). Handing it `strict` tools or a plain json_schema format would make it
 * JSON.parse arguments and content and fail the whole turn on the first malformed value, which the
 * tool loop must instead report to the model.
 */
export function accumulatorParams(body: ChatCompletionCreateParamsStreaming): ChatCompletionCreateParamsStreaming {
  const params: ChatCompletionCreateParamsStreaming = { model: body.model, messages: [], stream: true };
  if (body.n != null) params.n = body.n;
  if (isAutoParsableResponseFormat(body.response_format)) params.response_format = body.response_format;
  const parseableTools = body.tools?.filter((tool) => isAutoParsableTool(tool));
  if (parseableTools && parseableTools.length > 0) params.tools = parseableTools;
  return params;
}

export { APIConnectionError, APIError, APIUserAbortError };

/**
 * Assumption: an `error` event in the middle of a 200 stream (`data: {"error": {...}}`) makes the SDK
 * throw an `APIError` without a `status` (HTTP errors have one; connection and abort errors are their
 * own subclasses).
 */
export function isStreamErrorEvent(error: unknown): boolean {
  return error instanceof APIError && error.status === undefined && !(error instanceof APIConnectionError) && !(error instanceof APIUserAbortError);
}

/**
 * Assumption: a connection cut in the middle of a stream surfaces as the SDK's `OpenAIError` wrapping
 * undici's `TypeError("terminated")`, whose `cause` is a `SocketError` with code `UND_ERR_SOCKET`.
 * Returns the error codes and messages along the `cause` chain, for the caller to recognise.
 */
export function causeChain(error: unknown, depth = 8): { code: unknown; message: unknown; isTypeError: boolean }[] {
  const chain: { code: unknown; message: unknown; isTypeError: boolean }[] = [];
  for (let cause = error; cause && typeof cause === 'object' && chain.length < depth; cause = (cause as { cause?: unknown }).cause) {
    chain.push({ code: (cause as { code?: unknown }).code, message: (cause as { message?: unknown }).message, isTypeError: cause instanceof TypeError });
  }
  return chain;
}

/**
 * Assumption: the accumulator rejects a stream that ended before its first chunk with an error whose
 * message says "without sending any chunks" (no error class or code marks it).
 */
export function isEmptyStreamError(error: unknown): boolean {
  return error instanceof Error && /without sending any chunks/.test(error.message);
}

/**
 * The accumulator's events we translate, with our typed event for each payload. Assumption: the
 * payload field names below (`delta`, `snapshot`, `parsed`, `name`, `index`, `arguments`,
 * `parsed_arguments`, `arguments_delta`, `content`, `refusal`), as documented for ChatCompletionStream.
 */
export const STREAM_EVENT_BUILDERS = {
  'content.delta': (e: any): StreamEvent => ({ type: 'content.delta', delta: e.delta, snapshot: e.snapshot, parsed: e.parsed }),
  'content.done': (e: any): StreamEvent => ({ type: 'content.done', content: e.content, parsed: e.parsed }),
  'refusal.delta': (e: any): StreamEvent => ({ type: 'refusal.delta', delta: e.delta, snapshot: e.snapshot }),
  'refusal.done': (e: any): StreamEvent => ({ type: 'refusal.done', refusal: e.refusal }),
  'tool_calls.function.arguments.delta': (e: any): StreamEvent => ({
    type: 'tool_calls.function.arguments.delta',
    name: e.name,
    index: e.index,
    arguments: e.arguments,
    parsed_arguments: e.parsed_arguments,
    arguments_delta: e.arguments_delta,
  }),
  'tool_calls.function.arguments.done': (e: any): StreamEvent => ({
    type: 'tool_calls.function.arguments.done',
    name: e.name,
    index: e.index,
    arguments: e.arguments,
    parsed_arguments: e.parsed_arguments,
  }),
  'logprobs.content.delta': (e: any): StreamEvent => ({ type: 'logprobs.content.delta', content: e.content, snapshot: e.snapshot }),
  'logprobs.content.done': (e: any): StreamEvent => ({ type: 'logprobs.content.done', content: e.content }),
  'logprobs.refusal.delta': (e: any): StreamEvent => ({ type: 'logprobs.refusal.delta', refusal: e.refusal, snapshot: e.snapshot }),
  'logprobs.refusal.done': (e: any): StreamEvent => ({ type: 'logprobs.refusal.done', refusal: e.refusal }),
} as const satisfies Partial<Record<StreamEventType, (payload: any) => StreamEvent>>;

/** The accumulator's event names we listen to. */
export type SdkStreamEventName = keyof typeof STREAM_EVENT_BUILDERS;
