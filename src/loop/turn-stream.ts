import type OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { ModelResponseError } from '../run/errors.js';
import type { StreamEvent, StreamEventType } from '../run/stream-events.js';
import { ChunkNormalizer } from './chunk-normalizer.js';
import {
  accumulate,
  accumulatorParams,
  isEmptyStreamError,
  STREAM_EVENT_BUILDERS,
  type ChatCompletionStream,
  type ChunkStream,
  type ModelRequestOptions,
  type SdkStreamEventName,
} from './openai-sdk.js';
import { markNotSentBack } from './messages.js';
import { ReasoningTracker } from './reasoning-tracker.js';
import { StreamWatchdog, type StreamTimeouts } from './stream-timeouts.js';

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
  private readonly normalizer: ChunkNormalizer;
  private readonly reasoning: ReasoningTracker;
  /** With `n` > 1: the choice of the chunk being accumulated (each chunk carries one), so only choice 0's events go out. */
  private currentChoice = 0;
  private readonly buffer: StreamEvent[] = [];
  private read = 0;
  /** What ended the turn from our side (a hook's error, a stream timeout), reported instead of the SDK's abort. */
  private failure: { error: unknown } | undefined;
  private readonly watchdog: StreamWatchdog | undefined;

  /** @param timeouts - client-side limits on this request's stream; when one fires the request is aborted and {@link completion} rejects with `StreamTimeoutError`. */
  constructor(
    client: OpenAI,
    body: ChatCompletionCreateParamsStreaming,
    signal: AbortSignal,
    requestOptions: ModelRequestOptions | undefined,
    private readonly wanted: WantedEvents,
    private readonly consume: StreamEventConsumer,
    timeouts?: StreamTimeouts,
  ) {
    this.normalizer = new ChunkNormalizer(body.n ?? 1);
    this.reasoning = new ReasoningTracker(wanted.has('reasoning.delta'), wanted.has('reasoning.done'));
    if (timeouts) this.watchdog = new StreamWatchdog(timeouts, body.model, (error) => this.fail(error));
    this.sdkStream = accumulate(accumulatorParams(body), signal, async (options) => {
      this.watchdog?.start();
      return this.chunkSource((await client.chat.completions.create(body, { ...requestOptions, ...options })) as unknown as ChunkStream);
    });
    this.listen((body.n ?? 1) > 1);
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
      // A timeout that fires while a hook handles an event ends the turn only once the hook settled:
      // the accumulator is waiting on the chunk source, which waits for the hook.
      throw this.failure ? this.failure.error : explainEmptyStream(error);
    } finally {
      this.watchdog?.stop();
    }
    const leftover = this.drain();
    if (leftover) await leftover;
    const completion = await this.sdkStream.finalChatCompletion();
    if (!completion.usage && this.normalizer.usage) completion.usage = this.normalizer.usage;
    const message = completion.choices[0]?.message;
    if (message) {
      this.reasoning.applyTo(message as unknown as Record<string, unknown>);
      // Mistral refuses `reasoning_content` in input messages: its thinking stays on the completion only.
      if (this.normalizer.thinkingFromParts) markNotSentBack(message, 'reasoning_content');
    }
    return completion;
  }

  /** Cancels the HTTP request (idempotent). */
  abort(): void {
    this.watchdog?.stop();
    this.sdkStream.abort();
  }

  /** Ends the turn with `error` (the first one wins) and cancels the request. */
  private fail(error: unknown): void {
    this.failure ??= { error };
    this.abort();
  }

  /**
   * What the SDK iterates instead of the raw stream: normalised chunks, each handed out only after the
   * events of the previous one are consumed. A plain iterator rather than an async generator: it sits
   * on the per-chunk path.
   */
  private chunkSource(raw: ChunkStream): ChunkStream {
    const iterator = raw[Symbol.asyncIterator]();
    let closed = false;
    const pull = (): Promise<IteratorResult<ChatCompletionChunk>> => {
      const held = this.normalizer.takeHeld();
      if (held) {
        this.reasoning.observe(held);
        return Promise.resolve({ done: false, value: held });
      }
      this.watchdog?.waiting();
      return iterator.next().then((result) => {
        this.watchdog?.arrived();
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
    };
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
    return source as unknown as ChunkStream;
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
    this.failure ??= { error };
    return error;
  }

  private listen(multipleChoices: boolean): void {
    const { wanted } = this;
    if (wanted.size === 0) return;
    const s = this.sdkStream;
    const wantsChunk = wanted.has('chunk');
    // Every listened event costs an emit in the SDK: listen to chunks only when they, reasoning, or the
    // choice of each chunk (n > 1) are wanted.
    if (wantsChunk || multipleChoices || wanted.has('reasoning.delta') || wanted.has('reasoning.done')) {
      s.on('chunk', (chunk, snapshot) => {
        this.currentChoice = chunk.choices[0]?.index ?? 0;
        if (wantsChunk) this.buffer.push({ type: 'chunk', chunk, snapshot });
        this.reasoning.flush(snapshot, (event) => this.buffer.push(event));
      });
    }
    for (const [name, build] of Object.entries(STREAM_EVENT_BUILDERS)) {
      if (!wanted.has(name as StreamEventType)) continue;
      // The SDK emits these for every choice without saying which: with n > 1, only choice 0's are kept.
      const push = multipleChoices
        ? (payload: unknown) => void (this.currentChoice === 0 && this.buffer.push(build(payload)))
        : (payload: unknown) => void this.buffer.push(build(payload));
      s.on(name as SdkStreamEventName, push);
    }
  }
}

function explainEmptyStream(error: unknown): unknown {
  if (isEmptyStreamError(error)) {
    return new ModelResponseError(
      'The model stream ended without sending any chunk. Check the client baseURL and that the provider streams Chat Completions.',
      { cause: error },
    );
  }
  return error;
}
