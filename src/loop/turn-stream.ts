import type OpenAI from 'openai';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { ChunkNormalizer } from './chunk-normalizer.js';
import { ModelResponseError } from '../run/errors.js';
import { ReasoningTracker } from './reasoning-tracker.js';
import type { StreamEvent, StreamEventType } from '../run/stream-events.js';

/** The OpenAI client's per-request options (not exported by the SDK under a stable path). */
type RequestOptions = NonNullable<Parameters<OpenAI['chat']['completions']['create']>[1]>;

/** Request options passed to `client.chat.completions.create` (headers, timeout, maxRetries, ...). */
export type ModelRequestOptions = Omit<RequestOptions, 'signal'>;

type RawStream = AsyncIterable<ChatCompletionChunk> & { controller: AbortController };

/** SDK events we translate, with the typed event for each payload. */
const SDK_EVENTS = {
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
} as const;

/** Which stream events a turn must produce: only those somebody listens to are built at all. */
export type WantedEvents = ReadonlySet<StreamEventType>;

/** Receives each stream event of a turn; a returned promise holds the stream until it settles. */
export type StreamEventConsumer = (event: StreamEvent) => void | Promise<void>;

/**
 * One model request, streamed through the OpenAI SDK's own `ChatCompletionStream` accumulator with
 * the {@link ChunkNormalizer} in front of it. Its stream events go to a consumer (the hooks, then the
 * event queue) in order.
 *
 * Only wanted events are built: with no hooks and no event consumer the SDK gets no listeners, and a
 * turn costs what the SDK's own helper costs plus the normaliser.
 *
 * Backpressure without a second promise chain: the events of a chunk are consumed inside the
 * accumulator's request for the next chunk, so the next chunk is read only after the consumer (and
 * every hook it awaits) has finished with the previous one. A slow hook slows the stream down
 * instead of piling events up, and each hook sees the snapshot as of its own chunk.
 */
export class TurnStream {
  private readonly sdkStream: ChatCompletionStream<null>;
  private readonly normalizer = new ChunkNormalizer();
  private readonly reasoning: ReasoningTracker;
  private readonly buffer: StreamEvent[] = [];
  private read = 0;
  private consumerFailure: { error: unknown } | undefined;

  constructor(
    client: OpenAI,
    body: ChatCompletionCreateParamsStreaming,
    signal: AbortSignal,
    requestOptions: ModelRequestOptions | undefined,
    private readonly wanted: WantedEvents,
    private readonly consume: StreamEventConsumer,
  ) {
    this.reasoning = new ReasoningTracker(wanted.has('reasoning.delta'), wanted.has('reasoning.done'));
    // The SDK's accumulator gets only what it parses with (auto-parseable zod formats and tools);
    // the request itself goes out exactly as given, through `create` below. Handing it `strict`
    // tools or a plain json_schema format would make it JSON.parse arguments and content and fail the
    // whole turn on the first malformed value, which the tool loop must instead report to the model.
    const requestingClient = {
      chat: {
        completions: {
          create: async (_params: unknown, options: RequestOptions) =>
            this.chunkSource((await client.chat.completions.create(body, { ...requestOptions, ...options })) as unknown as RawStream),
        },
      },
    } as unknown as OpenAI;
    this.sdkStream = ChatCompletionStream.createChatCompletion<null>(requestingClient, accumulatorParams(body), { signal });
    this.listen();
  }

  /**
   * The accumulated completion, once every event has been consumed.
   * @throws what the request or the stream failed with (an OpenAI `APIError`, an abort error, ...),
   *   or what the consumer threw (a `HookError`).
   */
  async completion(): Promise<ChatCompletion> {
    try {
      await this.sdkStream.done();
    } catch (error) {
      throw this.consumerFailure ? this.consumerFailure.error : explainEmptyStream(error);
    }
    const leftover = this.drain();
    if (leftover) await leftover;
    const completion = await this.sdkStream.finalChatCompletion();
    const message = completion.choices[0]?.message;
    if (message) this.reasoning.applyTo(message as unknown as Record<string, unknown>);
    return completion;
  }

  /** Cancels the HTTP request (idempotent). */
  abort(): void {
    this.sdkStream.abort();
  }

  /**
   * What the SDK iterates instead of the raw stream: normalised chunks, each handed out only after the
   * events of the previous one are consumed. A plain iterator rather than an async generator: it sits
   * on the per-chunk path.
   */
  private chunkSource(raw: RawStream): RawStream {
    const iterator = raw[Symbol.asyncIterator]();
    let closed = false;
    const pull = (): Promise<IteratorResult<ChatCompletionChunk>> =>
      iterator.next().then((result) => {
        if (result.done) {
          if (closed || raw.controller.signal.aborted) return result;
          closed = true;
          const closing = this.normalizer.finish();
          if (!closing) return result;
          this.reasoning.observe(closing);
          return { done: false, value: closing };
        }
        const chunk = this.normalizer.normalize(result.value);
        if (chunk === null) return pull();
        this.reasoning.observe(chunk);
        return { done: false, value: chunk };
      });
    const done = { done: true as const, value: undefined };
    const source = {
      controller: raw.controller,
      next: (): Promise<IteratorResult<ChatCompletionChunk>> => {
        if (closed) return Promise.resolve(done);
        const consuming = this.drain();
        if (!consuming) return pull();
        return consuming.then(() => (raw.controller.signal.aborted ? done : pull()));
      },
      return: (value?: unknown) => iterator.return?.(value) ?? Promise.resolve(done),
      [Symbol.asyncIterator]: () => source,
    };
    return source as unknown as RawStream;
  }

  /** Hands the buffered events to the consumer in order; a promise only when the consumer awaits. */
  private drain(): Promise<void> | undefined {
    while (this.read < this.buffer.length) {
      let pending: void | Promise<void>;
      try {
        pending = this.consume(this.buffer[this.read++]!);
      } catch (error) {
        throw this.consumerFailed(error);
      }
      if (pending) return this.drainAfter(pending);
    }
    // Reused: the accumulator is waiting for the next chunk, so nothing is pushed while this drains.
    this.buffer.length = 0;
    this.read = 0;
    return undefined;
  }

  /** The rest of {@link drain} once the consumer awaits: one async frame for the remaining events. */
  private async drainAfter(pending: Promise<void>): Promise<void> {
    try {
      await pending;
      while (this.read < this.buffer.length) await this.consume(this.buffer[this.read++]!);
    } catch (error) {
      throw this.consumerFailed(error);
    }
    this.buffer.length = 0;
    this.read = 0;
  }

  /** The SDK wraps what the chunk source throws; keep the original to report it as is. */
  private consumerFailed(error: unknown): unknown {
    this.consumerFailure ??= { error };
    return error;
  }

  private listen(): void {
    const { wanted } = this;
    if (wanted.size === 0) return;
    const s = this.sdkStream;
    const wantsChunk = wanted.has('chunk');
    // Every listened event costs an emit in the SDK: listen to chunks only when they or reasoning are wanted.
    if (wantsChunk || wanted.has('reasoning.delta') || wanted.has('reasoning.done')) {
      s.on('chunk', (chunk, snapshot) => {
        if (wantsChunk) this.buffer.push({ type: 'chunk', chunk, snapshot });
        this.reasoning.flush(snapshot, (event) => this.buffer.push(event));
      });
    }
    for (const [name, build] of Object.entries(SDK_EVENTS)) {
      if (wanted.has(name as StreamEventType)) s.on(name as keyof typeof SDK_EVENTS, (payload: unknown) => this.buffer.push(build(payload)));
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
