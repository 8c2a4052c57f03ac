import type { Attributes, Context, Meter, Span, Tracer } from '@opentelemetry/api';
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ToolCall } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';
import { inputMessagesJson, outputMessagesJson, toolArgumentsJson } from './content.js';
import { errorType } from './error-type.js';
import { reportTelemetryFailure } from './failure-report.js';
import { genAiInstruments, type GenAiInstruments } from './instruments.js';
import type { TelemetryOptions } from './options.js';
import type { OpenTelemetryApi } from './otel-api.js';
import { providerEndpoint, type ProviderEndpoint } from './provider-name.js';
import * as sc from './semconv.js';
import type { ChatTracing, RunTracing, ToolTracing, TracedRun } from './tracing.js';

/** The instrumentation scope of the spans and metrics. */
export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
}

/**
 * The telemetry of one run: its `invoke_agent` span, and the chat and tool spans the engine starts
 * under it. Every OpenTelemetry call is guarded: what a tracer, span, meter or context manager throws
 * is reported once (see {@link reportTelemetryFailure}) and never reaches the run.
 */
export class RunTelemetry implements RunTracing {
  private readonly endpoint: ProviderEndpoint;
  private readonly instruments: GenAiInstruments | undefined;
  private readonly span: Span;
  /** The run span's context: the parent of every chat and tool span. */
  private readonly context: Context;
  private inputTokens = 0;
  private outputTokens = 0;
  private sawUsage = false;

  /**
   * Starts the run span as a child of the active context.
   * @throws what the tracer throws (the caller then runs without telemetry).
   */
  constructor(
    readonly api: OpenTelemetryApi,
    private readonly tracer: Tracer,
    private readonly meter: Meter,
    readonly captureContent: boolean,
    run: TracedRun,
  ) {
    this.endpoint = providerEndpoint(run.client);
    const attributes: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_INVOKE_AGENT,
      [sc.ATTR_GEN_AI_PROVIDER_NAME]: this.endpoint.name,
      [sc.ATTR_GEN_AI_REQUEST_MODEL]: run.model,
    };
    if (run.name) attributes[sc.ATTR_GEN_AI_AGENT_NAME] = run.name;
    if (captureContent && Array.isArray(run.messages)) attributes[sc.ATTR_GEN_AI_INPUT_MESSAGES] = inputMessagesJson(run.messages);
    const name = run.name ? `${sc.GEN_AI_OPERATION_INVOKE_AGENT} ${run.name}` : sc.GEN_AI_OPERATION_INVOKE_AGENT;
    const parent = api.context.active();
    this.span = tracer.startSpan(name, { kind: api.SpanKind.INTERNAL, attributes }, parent);
    this.context = api.trace.setSpan(parent, this.span);
    this.instruments = this.guard(meter, () => genAiInstruments(meter));
  }

  /** Creates the telemetry of a run from its `telemetry` option; `undefined` (reported) when the tracer fails. */
  static start(api: OpenTelemetryApi, setting: true | TelemetryOptions, scope: InstrumentationScope, run: TracedRun): RunTelemetry | undefined {
    const options: TelemetryOptions = setting === true ? {} : setting;
    const schema = { schemaUrl: sc.SEMCONV_SCHEMA_URL };
    let tracer: Tracer | undefined;
    try {
      tracer = (options.tracer as Tracer | undefined) ?? api.trace.getTracerProvider().getTracer(scope.name, scope.version, schema);
      const meter = (options.meter as Meter | undefined) ?? api.metrics.getMeter(scope.name, scope.version, schema);
      return new RunTelemetry(api, tracer, meter, options.captureContent === true, run);
    } catch (error) {
      reportTelemetryFailure(api, tracer ?? api, error);
      return undefined;
    }
  }

  /** Runs `fn` with the run span active, so spans of other instrumentation made during the run nest under it. */
  within<T>(fn: () => T): T {
    return this.withContext(this.context, fn);
  }

  /** Starts the `chat {model}` span of one model request; `undefined` when the tracer fails. */
  startChat(body: ChatCompletionCreateParamsStreaming): ChatTelemetry | undefined {
    return this.guard(this.tracer, () => new ChatTelemetry(this, body));
  }

  /** Starts the `execute_tool {name}` span of one tool call; `undefined` when the tracer fails. */
  startTool(toolCall: ToolCall): ToolTelemetry | undefined {
    return this.guard(this.tracer, () => new ToolTelemetry(this, toolCall));
  }

  /** Ends the run span: status ERROR and `error.type` when the run failed, token totals, the final answer with content capture. */
  end(outcome: { readonly result?: { readonly completions: readonly ChatCompletion[] } | undefined; readonly error?: unknown }): void {
    this.guard(this.tracer, () => {
      if (this.sawUsage) {
        this.span.setAttributes({ [sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: this.inputTokens, [sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: this.outputTokens });
      }
      const final = outcome.result?.completions.at(-1);
      if (final && this.captureContent) this.span.setAttribute(sc.ATTR_GEN_AI_OUTPUT_MESSAGES, outputMessagesJson(final));
      if (!outcome.result) this.markFailed(this.span, outcome.error, false);
      this.span.end();
    });
  }

  // --- used by ChatTelemetry and ToolTelemetry ---

  /** @internal Starts a child span of the run span. */
  startChild(name: string, kind: number, attributes: Attributes): { span: Span; context: Context } {
    const span = this.tracer.startSpan(name, { kind, attributes }, this.context);
    return { span, context: this.api.trace.setSpan(this.context, span) };
  }

  /** @internal The attributes every chat span and GenAI metric of this run carries. */
  chatAttributes(model: string): Attributes {
    const attributes: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_CHAT,
      [sc.ATTR_GEN_AI_PROVIDER_NAME]: this.endpoint.name,
      [sc.ATTR_GEN_AI_REQUEST_MODEL]: model,
    };
    if (this.endpoint.address !== undefined) attributes[sc.ATTR_SERVER_ADDRESS] = this.endpoint.address;
    if (this.endpoint.port !== undefined) attributes[sc.ATTR_SERVER_PORT] = this.endpoint.port;
    return attributes;
  }

  /** @internal Records one request's metrics; never throws. */
  recordMetrics(base: Attributes, seconds: number, firstChunkSeconds: number | undefined, usage: CompletionUsage | undefined): void {
    if (usage) {
      this.sawUsage = true;
      this.inputTokens += usage.prompt_tokens ?? 0;
      this.outputTokens += usage.completion_tokens ?? 0;
    }
    const instruments = this.instruments;
    if (!instruments) return;
    this.guard(this.meter, () => {
      instruments.operationDuration.record(seconds, base);
      if (firstChunkSeconds !== undefined) instruments.timeToFirstChunk.record(firstChunkSeconds, base);
      if (usage) {
        instruments.tokenUsage.record(usage.prompt_tokens ?? 0, { ...base, [sc.ATTR_GEN_AI_TOKEN_TYPE]: sc.GEN_AI_TOKEN_TYPE_INPUT });
        instruments.tokenUsage.record(usage.completion_tokens ?? 0, { ...base, [sc.ATTR_GEN_AI_TOKEN_TYPE]: sc.GEN_AI_TOKEN_TYPE_OUTPUT });
      }
    });
  }

  /**
   * @internal Status ERROR and `error.type` on `span` (`RunAbortedError` for work cut short by the
   * run's abort, whatever the abort reason); the message and the exception event (stack) only with
   * content capture, since error messages can quote model output or tool arguments.
   */
  markFailed(span: Span, error: unknown, runAborted: boolean): string {
    const type = runAborted ? RUN_ABORTED : errorType(error);
    span.setAttribute(sc.ATTR_ERROR_TYPE, type);
    if (this.captureContent) {
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      if (error instanceof Error) span.recordException(error);
    } else {
      span.setStatus({ code: this.api.SpanStatusCode.ERROR });
    }
    return type;
  }

  /** @internal Runs `fn` in `context`; a context manager that throws is reported and `fn` runs anyway (once). */
  withContext<T>(context: Context, fn: () => T): T {
    let entered = false;
    try {
      return this.api.context.with(context, () => {
        entered = true;
        return fn();
      });
    } catch (error) {
      if (entered) throw error;
      reportTelemetryFailure(this.api, this.tracer, error);
      return fn();
    }
  }

  /** @internal Runs a tracing step; what it throws is reported and swallowed. */
  guardTrace<T>(step: () => T): T | undefined {
    return this.guard(this.tracer, step);
  }

  /** Runs an OpenTelemetry step; what it throws is reported (once per `source`) and swallowed. */
  private guard<T>(source: object, step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      reportTelemetryFailure(this.api, source, error);
      return undefined;
    }
  }
}

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
    const type = runAborted ? RUN_ABORTED : errorType(error);
    this.owner.recordMetrics({ ...this.metricAttributes, [sc.ATTR_ERROR_TYPE]: type }, this.seconds(), this.firstChunkSeconds, undefined);
  }

  private seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  private readonly onFirstChunk = (): void => {
    if (this.requestedAt !== undefined) this.firstChunkSeconds = (performance.now() - this.requestedAt) / 1000;
  };
}

/** The `execute_tool {name}` span of one tool call. */
export class ToolTelemetry implements ToolTracing {
  private readonly span: Span;
  private readonly context: Context;

  constructor(
    private readonly owner: RunTelemetry,
    toolCall: ToolCall,
  ) {
    const name = toolCall.function.name;
    const attributes: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_EXECUTE_TOOL,
      [sc.ATTR_GEN_AI_TOOL_NAME]: name,
      [sc.ATTR_GEN_AI_TOOL_CALL_ID]: toolCall.id,
      [sc.ATTR_GEN_AI_TOOL_TYPE]: 'function',
    };
    if (owner.captureContent) attributes[sc.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = toolArgumentsJson(toolCall.function.arguments);
    ({ span: this.span, context: this.context } = owner.startChild(`${sc.GEN_AI_OPERATION_EXECUTE_TOOL} ${name}`, owner.api.SpanKind.INTERNAL, attributes));
  }

  /** Runs the tool with this span active, so the tool's own spans and its MCP or HTTP calls nest under it. */
  run<T>(invoke: () => T): T {
    return this.owner.withContext(this.context, invoke);
  }

  /**
   * Ends the span: status ERROR and `error.type` when the call threw (`error`), or returned a
   * `ToolResult` with `isError` (`ToolReportedError`).
   */
  end(result: ToolResult, failed: boolean, error: unknown, runAborted: boolean): void {
    this.owner.guardTrace(() => {
      if (failed) this.owner.markFailed(this.span, error, runAborted);
      else {
        if (this.owner.captureContent) this.span.setAttribute(sc.ATTR_GEN_AI_TOOL_CALL_RESULT, result.content);
        if (result.isError) {
          this.span.setAttribute(sc.ATTR_ERROR_TYPE, 'ToolReportedError');
          this.span.setStatus({ code: this.owner.api.SpanStatusCode.ERROR });
        }
      }
      this.span.end();
    });
  }
}

/** `error.type` of work cut short because the run was aborted (the class of the error the run fails with). */
const RUN_ABORTED = 'RunAbortedError';

/** What `chat.completions.create({ stream: true })` resolves to, as far as the engine reads it. */
type ChunkSource = AsyncIterable<unknown> & { controller: AbortController };

/**
 * The stream, calling `onFirst` when its first chunk arrives. After that chunk the iterator hands
 * `next` straight through, so the rest of the stream pays one extra call per chunk.
 */
function observeFirstChunk(stream: ChunkSource, onFirst: () => void): ChunkSource {
  return {
    controller: stream.controller,
    [Symbol.asyncIterator]() {
      const inner = stream[Symbol.asyncIterator]();
      const iterator: AsyncIterator<unknown> = {
        next: () =>
          inner.next().then((result) => {
            iterator.next = () => inner.next();
            if (!result.done) onFirst();
            return result;
          }),
        return: (value?: unknown) => inner.return?.(value) ?? Promise.resolve({ done: true as const, value }),
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
