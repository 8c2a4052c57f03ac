import type OpenAI from 'openai';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletionSnapshot } from 'openai/lib/ChatCompletionStream';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { ChunkNormalizer } from './chunk-normalizer.js';
import { ModelResponseError } from './errors.js';
import type { ReasoningField, StreamEvent } from './stream-events.js';

/** The OpenAI client's per-request options (not exported by the SDK under a stable path). */
type RequestOptions = NonNullable<Parameters<OpenAI['chat']['completions']['create']>[1]>;

/** Request options passed to `client.chat.completions.create` (headers, timeout, maxRetries, ...). */
export type ModelRequestOptions = Omit<RequestOptions, 'signal'>;

const REASONING_FIELDS: readonly ReasoningField[] = ['reasoning_content', 'reasoning'];

interface ReasoningState {
  text: string;
  field: ReasoningField;
  done: boolean;
}

/**
 * One model request, streamed through the OpenAI SDK's own `ChatCompletionStream` accumulator with
 * the {@link ChunkNormalizer} in front of it, and read as a pull-based sequence of {@link StreamEvent}s.
 *
 * Backpressure: the next chunk is handed to the accumulator only after the reader has taken every
 * event of the previous one, so hooks that await (a slow socket, a database write) slow the stream
 * down instead of piling events up in memory.
 */
export class TurnStream {
  private readonly sdkStream: ChatCompletionStream<null>;
  private readonly normalizer = new ChunkNormalizer();
  private buffer: StreamEvent[] = [];
  private read = 0;
  private finished = false;
  private failure: { error: unknown } | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;
  private reasoning: ReasoningState | undefined;

  constructor(client: OpenAI, body: ChatCompletionCreateParamsStreaming, signal: AbortSignal, requestOptions?: ModelRequestOptions) {
    // The SDK's accumulator gets only what it parses with (auto-parseable zod formats and tools);
    // the request itself goes out exactly as given, through `create` below. Handing it `strict`
    // tools or a plain json_schema format would make it JSON.parse arguments and content and fail the
    // whole turn on the first malformed value, which the tool loop must instead report to the model.
    const parserParams = accumulatorParams(body);
    const requestingClient = {
      chat: {
        completions: {
          create: async (_params: unknown, options: RequestOptions) => {
            const raw = await client.chat.completions.create(body, { ...requestOptions, ...options });
            const stream = raw as AsyncIterable<ChatCompletionChunk> & { controller: AbortController };
            // The SDK reads `controller` to tell an abort from a normal end.
            return Object.assign(this.normalizedStream(stream), { controller: stream.controller });
          },
        },
      },
    } as unknown as OpenAI;
    this.sdkStream = ChatCompletionStream.createChatCompletion<null>(requestingClient, parserParams, { signal });
    this.listen();
    this.sdkStream.done().then(
      () => this.end(undefined),
      (error: unknown) => this.end({ error: explainEmptyStream(error) }),
    );
  }

  /** The next buffered event, or `undefined` when the reader has to {@link wait}. */
  take(): StreamEvent | undefined {
    if (this.read < this.buffer.length) return this.buffer[this.read++];
    return undefined;
  }

  /**
   * Waits for the next event; `null` when the response is complete.
   * @throws what the request or the stream failed with (an OpenAI `APIError`, an abort error, ...).
   */
  async wait(): Promise<StreamEvent | null> {
    for (;;) {
      const event = this.take();
      if (event !== undefined) return event;
      this.buffer = [];
      this.read = 0;
      this.releaseProducer();
      if (this.failure) throw this.failure.error;
      if (this.finished) return null;
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
  }

  /** The accumulated completion; call after {@link wait} returned `null`. */
  async completion(): Promise<ChatCompletion> {
    const completion = await this.sdkStream.finalChatCompletion();
    const message = completion.choices[0]?.message as unknown as Record<string, unknown> | undefined;
    if (message && this.reasoning) message[this.reasoning.field] = this.reasoning.text;
    return completion;
  }

  /** Cancels the HTTP request (idempotent). */
  abort(): void {
    this.sdkStream.abort();
    this.releaseProducer();
  }

  private async *normalizedStream(raw: AsyncIterable<ChatCompletionChunk> & { controller: AbortController }) {
    for await (const rawChunk of raw) {
      const chunk = this.normalizer.normalize(rawChunk);
      if (chunk === null) continue;
      yield chunk;
      // The accumulator has now emitted this chunk's events into the buffer.
      if (this.read < this.buffer.length) await new Promise<void>((resolve) => (this.wakeProducer = resolve));
      if (raw.controller.signal.aborted) return;
    }
    if (raw.controller.signal.aborted) return;
    const closing = this.normalizer.finish();
    if (closing) yield closing;
  }


  private listen(): void {
    const s = this.sdkStream;
    s.on('chunk', (chunk, snapshot) => {
      this.push({ type: 'chunk', chunk, snapshot });
      this.trackReasoning(chunk, snapshot);
    });
    s.on('content.delta', (e) => this.push({ type: 'content.delta', delta: e.delta, snapshot: e.snapshot, parsed: e.parsed }));
    s.on('content.done', (e) => this.push({ type: 'content.done', content: e.content, parsed: e.parsed }));
    s.on('refusal.delta', (e) => this.push({ type: 'refusal.delta', delta: e.delta, snapshot: e.snapshot }));
    s.on('refusal.done', (e) => this.push({ type: 'refusal.done', refusal: e.refusal }));
    s.on('tool_calls.function.arguments.delta', (e) =>
      this.push({
        type: 'tool_calls.function.arguments.delta',
        name: e.name,
        index: e.index,
        arguments: e.arguments,
        parsed_arguments: e.parsed_arguments,
        arguments_delta: e.arguments_delta,
      }),
    );
    s.on('tool_calls.function.arguments.done', (e) =>
      this.push({
        type: 'tool_calls.function.arguments.done',
        name: e.name,
        index: e.index,
        arguments: e.arguments,
        parsed_arguments: e.parsed_arguments,
      }),
    );
    s.on('logprobs.content.delta', (e) => this.push({ type: 'logprobs.content.delta', content: e.content, snapshot: e.snapshot }));
    s.on('logprobs.content.done', (e) => this.push({ type: 'logprobs.content.done', content: e.content }));
    s.on('logprobs.refusal.delta', (e) => this.push({ type: 'logprobs.refusal.delta', refusal: e.refusal, snapshot: e.snapshot }));
    s.on('logprobs.refusal.done', (e) => this.push({ type: 'logprobs.refusal.done', refusal: e.refusal }));
  }

  /**
   * The SDK keeps only the last fragment of delta fields it does not know; reasoning text arrives in
   * such fields, so it is concatenated here (in the snapshot too) and reported as reasoning events.
   */
  private trackReasoning(chunk: ChatCompletionChunk, snapshot: ChatCompletionSnapshot): void {
    const choice = chunk.choices[0];
    if (choice === undefined || choice.index !== 0) return;
    const delta = choice.delta as Record<string, unknown> | undefined;
    let fragment: unknown;
    let field: ReasoningField | undefined;
    if (delta) {
      for (const name of REASONING_FIELDS) {
        if (typeof delta[name] === 'string' && delta[name] !== '') {
          fragment = delta[name];
          field = name;
          break;
        }
      }
    }
    if (field !== undefined) {
      const state = (this.reasoning ??= { text: '', field, done: false });
      state.text += fragment as string;
      (snapshot.choices[0]!.message as Record<string, unknown>)[state.field] = state.text;
      this.push({ type: 'reasoning.delta', delta: fragment as string, snapshot: state.text, field: state.field });
    }
    const state = this.reasoning;
    if (state !== undefined && !state.done && field === undefined && (delta?.content || delta?.tool_calls || choice.finish_reason)) {
      state.done = true;
      this.push({ type: 'reasoning.done', reasoning: state.text, field: state.field });
    }
  }

  private push(event: StreamEvent): void {
    this.buffer.push(event);
    const wake = this.wakeReader;
    if (wake) {
      this.wakeReader = undefined;
      wake();
    }
  }

  private releaseProducer(): void {
    const wake = this.wakeProducer;
    if (wake) {
      this.wakeProducer = undefined;
      wake();
    }
  }

  private end(failure: { error: unknown } | undefined): void {
    this.finished = true;
    this.failure = failure;
    const wake = this.wakeReader;
    if (wake) {
      this.wakeReader = undefined;
      wake();
    }
  }
}

function accumulatorParams(body: ChatCompletionCreateParamsStreaming): ChatCompletionCreateParamsStreaming {
  const params: ChatCompletionCreateParamsStreaming = { model: body.model, messages: [], stream: true };
  if (body.n != null) params.n = body.n;
  if ((body.response_format as { $brand?: string } | undefined)?.$brand === 'auto-parseable-response-format') {
    params.response_format = body.response_format;
  }
  const parseableTools = body.tools?.filter((tool) => (tool as { $brand?: string }).$brand === 'auto-parseable-tool');
  if (parseableTools && parseableTools.length > 0) params.tools = parseableTools;
  return params;
}

function explainEmptyStream(error: unknown): unknown {
  if (error instanceof Error && /without sending any chunks/.test(error.message)) {
    return new ModelResponseError(
      'The model stream ended without sending any chunk. Check the client baseURL and that the provider streams Chat Completions.',
      { cause: error },
    );
  }
  return error;
}
