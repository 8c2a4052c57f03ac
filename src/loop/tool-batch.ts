import { setMaxListeners } from 'node:events';
import type { ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { ToolArgumentsError, UnknownToolError } from '../tools/errors.js';
import { asFunctionCall, type ToolCall, type ToolInvoker, type ToolProgressUpdate } from '../tools/tool.js';
import { ToolResult } from '../tools/tool-result.js';
import { raceAbort, childController } from './abort.js';
import { errorMessage } from '../run/errors.js';
import type { EventQueue } from './event-queue.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { StreamUntilUserInputOptions, ToolErrorPolicy } from './options.js';
import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';
import { RepeatedToolCallError } from './repeated-calls.js';
import type { StepToolResult } from './stop-conditions.js';
import { truncateToolOutput } from './tool-output-limit.js';
import type { RunTracing } from '../telemetry/tracing.js';

/** The outcome of one batch of tool calls (the calls of one assistant message). */
export interface BatchOutcome {
  /** One tool message content per call, in the model's order. */
  readonly contents: string[];
  /** Per call: whether it failed or its tool reported an error. */
  readonly failed: boolean[];
  /** Each call with its final result, in the model's order. */
  readonly results: StepToolResult[];
  /** Set when the batch must end the run: the error to fail with. */
  readonly fatal?: { error: unknown; toolCall: ToolCall; policy: ToolErrorPolicy } | undefined;
}

/** Thrown into sibling calls that were cancelled because another call failed under `'raise'`. */
export class ToolCallCancelledError extends ChatCmplError {
  static {
    brandError(this, 'ToolCallCancelledError');
  }
  constructor(toolName: string, because: string) {
    super(`Tool "${toolName}" was cancelled because ${because}.`);
  }
}

/** What a batch needs from the run. */
export interface BatchContext<C> {
  /** The run's id (kept across resumes), for the calls' idempotency keys. */
  readonly runId: string;
  readonly iteration: number;
  readonly context: C;
  readonly signal: AbortSignal;
  readonly policy: ToolErrorPolicy;
  readonly concurrency: number;
  readonly invokers: Readonly<Record<string, ToolInvoker<C>>>;
  readonly availableTools: readonly string[];
  readonly fallbackInvoker: StreamUntilUserInputOptions<C>['fallbackInvoker'];
  readonly outputCallback: StreamUntilUserInputOptions<C>['toolCallOutputCallback'];
  readonly events: EventQueue<LifecycleEvent>;
  /** Calls refused before they run (`repeatedCallLimit`), by index. */
  readonly refusals?: readonly (Error | undefined)[] | undefined;
  /** Longest tool message content (`maxToolOutputChars`). */
  readonly maxOutputChars?: number | undefined;
  /** The run's telemetry, when on: one span per call. */
  readonly telemetry?: RunTracing | undefined;
}

/**
 * Runs the tool calls of one assistant message, at most `concurrency` at a time, pushing
 * `tool_call.*` events as calls start and finish. Resolves when every call has settled (promptly on
 * abort: invokers that ignore their signal are not waited for).
 */
export async function runToolBatch<C>(calls: readonly ChatCompletionMessageToolCall[], ctx: BatchContext<C>): Promise<BatchOutcome> {
  const contents: string[] = new Array(calls.length);
  const failedCalls: boolean[] = new Array(calls.length).fill(false);
  const results: StepToolResult[] = new Array(calls.length);
  // One listener on the run's signal per batch; each call (and each tool, a timeout, an MCP request)
  // then listens to the batch's signal, which lives only as long as the batch: no leak to warn about.
  const { controller, dispose } = childController(ctx.signal);
  setMaxListeners(0, controller.signal);
  let fatal: BatchOutcome['fatal'];
  let next = 0;

  const runOne = async (index: number): Promise<void> => {
    const toolCall = asFunctionCall(calls[index]!);
    const span = ctx.telemetry?.startTool(toolCall);
    const started = performance.now();
    ctx.events.push({ type: 'tool_call.started', iteration: ctx.iteration, toolCall });
    let result: ToolResult;
    let failed = false;
    let error: unknown;
    let running = true;
    const reportProgress = ({ progress, total, message }: ToolProgressUpdate): void => {
      if (!running) return;
      ctx.events.push({
        type: 'tool_call.progress',
        iteration: ctx.iteration,
        toolCall,
        progress,
        ...(total === undefined ? {} : { total }),
        ...(message === undefined ? {} : { message }),
      });
    };
    try {
      const refusal = ctx.refusals?.[index];
      if (refusal) throw refusal;
      const invoker = resolveInvoker(toolCall, ctx);
      // A call whose turn came after the batch was cancelled (a sibling failed under 'raise', the run
      // was aborted) must not start at all.
      if (controller.signal.aborted) throw controller.signal.reason;
      const invoke = () => invoker(toolCall, ctx.context, { signal: controller.signal, iteration: ctx.iteration, reportProgress, idempotencyKey: idempotencyKey(ctx, toolCall) });
      const output = await raceAbort(
        Promise.resolve().then(span ? () => span.run(invoke) : invoke),
        controller.signal,
      ).finally(() => (running = false));
      result = ToolResult.from(output);
    } catch (thrown) {
      failed = true;
      error =
        controller.signal.aborted && thrown === controller.signal.reason && !ctx.signal.aborted && fatal
          ? new ToolCallCancelledError(toolCall.function.name, `tool "${fatal.toolCall.function.name}" failed`)
          : thrown;
      if (!fatal && !ctx.signal.aborted && ctx.policy !== 'emit') {
        fatal = { error, toolCall, policy: ctx.policy };
        if (ctx.policy === 'raise') controller.abort(error);
      }
      result = ToolResult.error(toolErrorContent(toolCall.function.name, error));
    }
    if (!ctx.signal.aborted && ctx.outputCallback) {
      try {
        result = await applyOutputCallback(toolCall, result, ctx, failed, error);
      } catch (callbackError) {
        // The callback is the caller's code, like a hook: its failure ends the run.
        if (!fatal) {
          fatal = { error: callbackError, toolCall, policy: 'raise' };
          controller.abort(callbackError);
        }
      }
    }
    if (ctx.maxOutputChars !== undefined) result = truncateToolOutput(result, ctx.maxOutputChars);
    const durationMs = performance.now() - started;
    if (failed) {
      ctx.events.push({ type: 'tool_call.failed', iteration: ctx.iteration, toolCall, error, result, durationMs });
    } else if (result.isError) {
      const reported = new ToolReportedError(toolCall.function.name, result.content);
      ctx.events.push({ type: 'tool_call.failed', iteration: ctx.iteration, toolCall, error: reported, result, durationMs });
    } else {
      ctx.events.push({ type: 'tool_call.completed', iteration: ctx.iteration, toolCall, result, durationMs });
    }
    span?.end(result, failed, error, ctx.signal.aborted);
    contents[index] = result.content;
    failedCalls[index] = failed || result.isError;
    results[index] = { toolCall, result };
  };

  const worker = async (): Promise<void> => {
    while (next < calls.length) await runOne(next++);
  };
  try {
    const workers = Array.from({ length: Math.min(ctx.concurrency, calls.length) }, worker);
    await Promise.all(workers);
  } finally {
    dispose();
  }
  return { contents, failed: failedCalls, results, fatal };
}

/** A tool returned `ToolResult` with `isError`; reported in `tool_call.failed`, the content goes to the model as is. */
export class ToolReportedError extends ChatCmplError {
  static {
    brandError(this, 'ToolReportedError');
  }
  constructor(
    /** The tool's name as the model called it. */
    readonly toolName: string,
    content: string,
  ) {
    super(`Tool "${toolName}" reported an error: ${content}`);
  }
}

/** Stable across resumes and workers: the run keeps its id, the history keeps the call's id and iteration. */
function idempotencyKey(ctx: { readonly runId: string; readonly iteration: number }, toolCall: ToolCall): string {
  return `${ctx.runId}:${ctx.iteration}:${toolCall.id}`;
}

function resolveInvoker<C>(toolCall: ToolCall, ctx: BatchContext<C>): ToolInvoker<C> {
  const name = toolCall.function.name;
  const invoker = Object.hasOwn(ctx.invokers, name) ? ctx.invokers[name] : ctx.fallbackInvoker?.(name, toolCall);
  if (!invoker) throw new UnknownToolError(name, ctx.availableTools);
  return invoker;
}

async function applyOutputCallback<C>(toolCall: ToolCall, result: ToolResult, ctx: BatchContext<C>, failed: boolean, error: unknown): Promise<ToolResult> {
  if (!ctx.outputCallback) return result;
  const replaced = await ctx.outputCallback(toolCall, result, { iteration: ctx.iteration, context: ctx.context, ...(failed ? { error } : {}) });
  return replaced === undefined ? result : ToolResult.from(replaced);
}

/** The tool message that tells the model a call failed: the error's message, never a stack. */
export function toolErrorContent(toolName: string, error: unknown): string {
  if (error instanceof ToolArgumentsError || error instanceof UnknownToolError || error instanceof RepeatedToolCallError) return error.message;
  return `Error: tool "${toolName}" failed: ${errorMessage(error)}`;
}
