import type { Attributes, Context, Span } from '@opentelemetry/api';
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { inputMessagesJson, outputMessagesJson } from './content.js';
import { errorType, RUN_ABORTED_ERROR_TYPE } from './error-type.js';
import type { RunTelemetry } from './run-telemetry.js';
import * as sc from './semconv.js';
import type { ChatTracing } from './tracing.js';

/** The `chat {model}` CLIENT span of one model request, and its metrics. */
export class ChatTelemetry implements ChatTracing {
  private readonly span: Span;
  private readonly context: Context;
  private readonly metricAttributes: Attributes;
  private readonly started = performance.now();
  private requestedAt: number | undefined;
  private firstChunkSeconds: number | undefined;

  constructor(
    private readonly owner: RunTelemetry,
    body: ChatCompletionCreateParamsStreaming,
  ) {
    this.metricAttributes = owner.chatAttributes(body.model);
    const attributes: Attributes = { ...this.metricAttributes, [sc.ATTR_GEN_AI_REQUEST_STREAM]: true, ...requestAttributes(body) };
    if (owner.captureContent) attributes[sc.ATTR_GEN_AI_INPUT_MESSAGES] = inputMessagesJson(body.messages);
    ({ span: this.span, context: this.context } = owner.startChild(`${sc.GEN_AI_OPERATION_CHAT} ${body.model}`, owner.api.SpanKind.CLIENT, attributes));
  }

  /**
   * A stand-in for `client` whose `chat.completions.create` sends the request with this span active
   * (so HTTP client instrumentation nests its span under it) and notes when the first chunk arrives.
   */
  client(client: OpenAI): OpenAI {
    const create = (body: unknown, options: unknown): Promise<unknown> => {
      this.requestedAt = performance.now();
      const request = this.owner.withContext(this.context, () => (client.chat.completions.create as (b: unknown, o: unknown) => PromiseLike<unknown>)(body, options));
      return Promise.resolve(request).then((stream) => observeFirstChunk(stream as ChunkSource, this.onFirstChunk));
    };
    return { chat: { completions: { create } } } as unknown as OpenAI;
  }

  /** Ends the span with the response's model, id, finish reasons and usage, and records the metrics. */
  end(completion: ChatCompletion): void {
    const usage = completion.usage ?? undefined;
    this.owner.guardTrace(() => {
      const attributes: Attributes = { [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: completion.choices.map((choice) => choice.finish_reason ?? 'error') };
      if (completion.id) attributes[sc.ATTR_GEN_AI_RESPONSE_ID] = completion.id;
      if (completion.model) attributes[sc.ATTR_GEN_AI_RESPONSE_MODEL] = completion.model;
      if (usage) Object.assign(attributes, usageAttributes(usage));
      if (this.firstChunkSeconds !== undefined) attributes[sc.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = this.firstChunkSeconds;
      if (this.owner.captureContent) attributes[sc.ATTR_GEN_AI_OUTPUT_MESSAGES] = outputMessagesJson(completion);
      this.span.setAttributes(attributes);
      this.span.end();
    });
    const metricAttributes = completion.model ? { ...this.metricAttributes, [sc.ATTR_GEN_AI_RESPONSE_MODEL]: completion.model } : this.metricAttributes;
    this.owner.recordMetrics(metricAttributes, this.seconds(), this.firstChunkSeconds, usage);
  }

  /** Ends the span of a request that failed, was aborted or timed out. */
  fail(error: unknown, runAborted: boolean): void {
    this.owner.guardTrace(() => {
      if (this.firstChunkSeconds !== undefined) this.span.setAttribute(sc.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, this.firstChunkSeconds);
      this.owner.markFailed(this.span, error, runAborted);
      this.span.end();
    });
    const type = runAborted ? RUN_ABORTED_ERROR_TYPE : errorType(error);
    this.owner.recordMetrics({ ...this.metricAttributes, [sc.ATTR_ERROR_TYPE]: type }, this.seconds(), this.firstChunkSeconds, undefined);
  }

  private seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  private readonly onFirstChunk = (): void => {
    if (this.requestedAt !== undefined) this.firstChunkSeconds = (performance.now() - this.requestedAt) / 1000;
  };
}

/** What `chat.completions.create({ stream: true })` resolves to, as far as the engine reads it. */
type ChunkSource = AsyncIterable<unknown> & { controller: AbortController };

/**
 * The stream, calling `onFirst` when its first chunk arrives. Only the iterator's first `next` is
 * intercepted (an own property shadowing its method, removed at the first call), so the rest of the
 * stream is read from the SDK's iterator exactly as without telemetry: no cost per chunk.
 */
function observeFirstChunk(stream: ChunkSource, onFirst: () => void): ChunkSource {
  return {
    controller: stream.controller,
    [Symbol.asyncIterator]() {
      const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<unknown> & { next: AsyncIterator<unknown>['next'] };
      // A frozen iterator (no SDK version makes one) goes untimed rather than failing the request.
      if (!Object.isExtensible(iterator)) return iterator;
      const next = iterator.next;
      const ownNext = Object.hasOwn(iterator, 'next');
      iterator.next = (...args: [] | [unknown]) => {
        if (ownNext) iterator.next = next;
        else delete (iterator as { next?: unknown }).next;
        return next.apply(iterator, args).then((result) => {
          if (!result.done) onFirst();
          return result;
        });
      };
      return iterator;
    },
  };
}

function requestAttributes(body: ChatCompletionCreateParamsStreaming): Attributes {
  const attributes: Attributes = {};
  const number = (key: string, value: unknown) => {
    if (typeof value === 'number') attributes[key] = value;
  };
  number(sc.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  number(sc.ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
  number(sc.ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_completion_tokens ?? body.max_tokens);
  number(sc.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
  number(sc.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
  number(sc.ATTR_GEN_AI_REQUEST_SEED, body.seed);
  if (typeof body.n === 'number' && body.n !== 1) attributes[sc.ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = body.n;
  const stop = body.stop;
  if (typeof stop === 'string') attributes[sc.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = [stop];
  else if (Array.isArray(stop)) attributes[sc.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  const format = body.response_format?.type;
  if (format === 'json_schema' || format === 'json_object') attributes[sc.ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
  else if (format === 'text') attributes[sc.ATTR_GEN_AI_OUTPUT_TYPE] = 'text';
  return attributes;
}

function usageAttributes(usage: CompletionUsage): Attributes {
  const attributes: Attributes = {
    [sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.prompt_tokens ?? 0,
    [sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.completion_tokens ?? 0,
  };
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') attributes[sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') attributes[sc.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = reasoning;
  return attributes;
}
