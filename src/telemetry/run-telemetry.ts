import type { Attributes, Context, Meter, Span, Tracer } from '@opentelemetry/api';
import type { ChatCompletion, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ToolCall } from '../tools/tool.js';
import { ChatTelemetry } from './chat-telemetry.js';
import { inputMessagesJson, outputMessagesJson } from './content.js';
import { errorType, RUN_ABORTED_ERROR_TYPE } from './error-type.js';
import { reportTelemetryFailure } from './failure-report.js';
import { genAiInstruments, type GenAiInstruments } from './instruments.js';
import type { TelemetryOptions } from './options.js';
import type { OpenTelemetryApi } from './otel-api.js';
import { providerEndpoint, type ProviderEndpoint } from './provider-name.js';
import * as sc from './semconv.js';
import { ToolTelemetry } from './tool-telemetry.js';
import type { RunTracing, TracedRun } from './tracing.js';

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
    const type = runAborted ? RUN_ABORTED_ERROR_TYPE : errorType(error);
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
