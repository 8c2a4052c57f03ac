import type { ChatCompletion, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { MaxIterationsReached, ModelResponseError, ToolCallError } from '../run/errors.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { StreamResult } from '../run/stream-result.js';
import type { MergedTools } from '../tools/catalog.js';
import { parseOutput } from '../tools/validation/parse-output.js';
import { EVENT_BUFFER_SIZE } from './defaults.js';
import { EventQueue } from './event-queue.js';
import { failRun } from './fail-run.js';
import { requestCompletion } from './model-request.js';
import type { StreamUntilUserInputOptions, WithContext } from './options.js';
import { Run, type EventSink } from './run.js';
import { planRun, type RunPlan } from './run-plan.js';
import { runToolBatch, type BatchOutcome } from './tool-batch.js';
import { traceRun } from '../telemetry/trace-run.js';
import type { RunTracing } from '../telemetry/tracing.js';

export type { EventSink } from './run.js';

/** How a run ended. */
export type RunOutcome<O = unknown> =
  | { readonly result: StreamResult<O>; readonly error?: undefined }
  | { readonly error: unknown; readonly result?: undefined };

/**
 * The one loop: streams a chat completion, hands every event to the hooks, runs the tool calls,
 * feeds the results back and repeats until the model answers without tools. Never throws: the
 * outcome is returned and announced by a final `run.completed` or `run.failed` event.
 * `streamUntilUserInput`, `streamUntilUserInputEvents` and `Agent` are adapters over it.
 *
 * @param stop - aborts the run like `options.signal`, for adapters whose consumer went away.
 */
export function runEngine<C, O = unknown>(options: StreamUntilUserInputOptions<C, O>, sink: EventSink, stop?: AbortSignal): Promise<RunOutcome<O>> {
  return traceRun(options, (telemetry, setupError) => runLoop(options, sink, stop, telemetry, setupError));
}

/** {@link runEngine} within its telemetry (`setupError`: telemetry is on but cannot work; the run fails with it). */
async function runLoop<C, O>(
  options: StreamUntilUserInputOptions<C, O>,
  sink: EventSink,
  stop: AbortSignal | undefined,
  telemetry: RunTracing | undefined,
  setupError: unknown,
): Promise<RunOutcome<O>> {
  const run = new Run<C, O>(options, sink, stop, telemetry);
  try {
    if (setupError !== undefined) throw setupError;
    const plan = planRun(options, sink.streamEvents);
    run.usePlan(plan);
    await startHistory(run, plan);
    for (let iteration = 0; ; iteration++) {
      run.throwIfAborted();
      run.enterIteration(iteration);
      const tools = await plan.tools.resolve();
      await run.deliver({ type: 'iteration.started', index: iteration, messages: run.messages.slice() });
      const completion = await requestCompletion(run, plan, tools, iteration);
      const assistantMessage = run.recordCompletion(completion);
      await run.deliver({ type: 'iteration.completed', index: iteration, usage: completion.usage ?? null, assistantMessage, completion });

      const toolCalls = completion.choices[0]!.message.tool_calls ?? [];
      if (toolCalls.length === 0) break;
      const outcome = await runToolCalls(run, plan, tools, toolCalls, iteration);
      run.recordToolResults(toolCalls.map((call) => call.id), outcome.contents);
      run.throwIfAborted();
      if (outcome.fatal) throw outcome.fatal.policy === 'abort' ? new ToolCallError(outcome.fatal.toolCall, outcome.fatal.error) : outcome.fatal.error;
      if (iteration + 1 >= plan.maxIterations) throw new MaxIterationsReached(plan.maxIterations);
    }
    const result = run.result(await parseFinalAnswer(plan, run.completions.at(-1)!));
    await run.deliver({ type: 'run.completed', result });
    return { result };
  } catch (thrown) {
    return { error: await failRun(run, thrown) };
  } finally {
    run.dispose();
  }
}

/**
 * The engine as an async generator of lifecycle events: every event of the run in order, ending
 * with exactly one `run.completed` or `run.failed` (it does not throw for a failed run). Hooks run
 * before each event is yielded. Stopping the iteration early (`break`) aborts the request and the
 * running tools. `options.streamEvents` selects the stream events yielded (all by default): a reader
 * that wants only `content.delta` should say so, since an event nobody asks for is never built.
 *
 * @example
 * ```ts
 * for await (const event of streamUntilUserInputEvents({ client, model, messages, tools })) {
 *   if (event.type === 'stream.event' && event.event.type === 'content.delta') process.stdout.write(event.event.delta);
 *   if (event.type === 'run.completed') console.log(event.result.finalContent);
 * }
 * ```
 */
export async function* streamUntilUserInputEvents<C = any, O = unknown>(
  options: StreamUntilUserInputOptions<C, O> & WithContext<C>,
): AsyncGenerator<LifecycleEvent, void, undefined> {
  const queue = new EventQueue<LifecycleEvent>(EVENT_BUFFER_SIZE);
  const stop = new AbortController();
  const run = runEngine(options, { streamEvents: true, emit: (event) => queue.push(event) }, stop.signal).finally(() => queue.close());
  let finished = false;
  try {
    for (;;) {
      // Buffered events are taken without a promise; only an empty queue is awaited.
      const event = queue.take() ?? (await queue.next());
      if (event === null) break;
      if (event.type === 'run.completed' || event.type === 'run.failed') finished = true;
      yield event;
    }
  } finally {
    if (!finished) {
      stop.abort();
      // Drain so the engine is never left waiting on a full queue while it cleans up.
      void (async () => {
        while ((await queue.next()) !== null);
      })();
    }
    await run;
  }
}

/** The system message (from `instructions`, which may depend on the context), then the input messages. */
async function startHistory<C, O>(run: Run<C, O>, plan: RunPlan<C, O>): Promise<void> {
  const { instructions, context, messages } = plan.options;
  const system = typeof instructions === 'function' ? await instructions(context as C) : instructions;
  if (system) run.messages.push({ role: 'system', content: system });
  run.messages.push(...messages);
}

/** Runs the calls of one assistant message, delivering their events as they happen. */
async function runToolCalls<C, O>(
  run: Run<C, O>,
  plan: RunPlan<C, O>,
  tools: MergedTools<C>,
  toolCalls: readonly ChatCompletionMessageToolCall[],
  iteration: number,
): Promise<BatchOutcome> {
  const events = new EventQueue<LifecycleEvent>();
  const batch = runToolBatch(toolCalls, {
    iteration,
    context: plan.options.context as C,
    signal: run.signal,
    policy: plan.policy,
    concurrency: plan.concurrency,
    invokers: tools.toolInvokers,
    availableTools: tools.tools.map((tool) => (tool.type === 'function' ? tool.function.name : tool.custom.name)),
    fallbackInvoker: plan.options.fallbackInvoker,
    outputCallback: plan.options.toolCallOutputCallback,
    events,
    telemetry: run.telemetry,
  }).finally(() => events.close());
  batch.catch(() => {});
  for (let event = await events.next(); event !== null; event = await events.next()) await run.deliver(event);
  return batch;
}

/** The final answer as an instance of `outputType`; a refusal or a misfit fails the run. */
async function parseFinalAnswer<C, O>(plan: RunPlan<C, O>, completion: ChatCompletion): Promise<O | undefined> {
  const { outputType } = plan.options;
  if (!outputType) return undefined;
  const message = completion.choices[0]!.message;
  if (message.refusal) throw new ModelResponseError(`The model refused to answer in the ${outputType.name} format: ${message.refusal}`);
  return parseOutput(outputType, message.content ?? '');
}
