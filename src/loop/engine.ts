import type { ChatCompletion } from 'openai/resources/chat/completions';
import { MaxIterationsReached, ModelResponseError, ToolCallError } from '../run/errors.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { StreamResult } from '../run/stream-result.js';
import type { RunStateJSON } from '../run/run-state.js';
import type { MergedTools } from '../tools/catalog.js';
import { parseOutput } from '../tools/validation/parse-output.js';
import { EVENT_BUFFER_SIZE } from './defaults.js';
import { EventQueue } from './event-queue.js';
import { failRun } from './fail-run.js';
import { requestCompletion } from './model-request.js';
import type { RunOptions, StreamUntilUserInputOptions, WithContext } from './options.js';
import { Run, type EventSink } from './run.js';
import { planRun, type RunPlan } from './run-plan.js';
import { prepareModelStep } from './step-preparation.js';
import { checkStopConditions, type RunStop } from './stop-conditions.js';
import { fingerprintsFor, newPending, runToolStep, type PendingCalls } from './tool-step.js';
import { traceRun } from '../telemetry/trace-run.js';
import type { RunTracing } from '../telemetry/tracing.js';

export type { EventSink } from './run.js';

/** How a run ended. */
export type RunOutcome<O = unknown> =
  | { readonly result: StreamResult<O>; readonly error?: undefined }
  | { readonly error: unknown; readonly result?: undefined };

/** Where a run stands between steps: what it does next, for which model request. */
type Step<C = any> =
  | { readonly next: 'model'; readonly iteration: number }
  | {
      readonly next: 'tools';
      readonly iteration: number;
      readonly pending: PendingCalls;
      readonly fingerprints?: RunStateJSON['tools'] | undefined;
      /** The tools the turn's request offered (absent on resume). */
      readonly offered?: MergedTools<C> | undefined;
    }
  | { readonly next: 'finished'; readonly iteration: number };

/**
 * The one loop: streams a chat completion, hands every event to the hooks, runs the tool calls,
 * feeds the results back and repeats until the model answers without tools. Never throws: the
 * outcome is returned and announced by a final `run.completed`, `run.interrupted` (calls wait for
 * approval) or `run.failed` event. `streamUntilUserInput`, `streamUntilUserInputEvents` and `Agent`
 * are adapters over it.
 *
 * @param stop - aborts the run like `options.signal`, for adapters whose consumer went away.
 */
export function runEngine<C, O = unknown>(options: RunOptions<C, O>, sink: EventSink, stop?: AbortSignal): Promise<RunOutcome<O>> {
  return traceRun(options, (telemetry, setupError) => runLoop(options, sink, stop, telemetry, setupError));
}

/** {@link runEngine} within its telemetry (`setupError`: telemetry is on but cannot work; the run fails with it). */
async function runLoop<C, O>(
  options: RunOptions<C, O>,
  sink: EventSink,
  stop: AbortSignal | undefined,
  telemetry: RunTracing | undefined,
  setupError: unknown,
): Promise<RunOutcome<O>> {
  const run = new Run<C, O>(options as StreamUntilUserInputOptions<C, O> | undefined, sink, stop, telemetry);
  try {
    if (setupError !== undefined) throw setupError;
    const plan = planRun(options, sink.streamEvents);
    run.usePlan(plan);
    let step = await startRun(run, plan);
    let stopped: RunStop | undefined;
    while (step.next !== 'finished') {
      if (step.next === 'model') {
        step = await modelTurn(run, plan, step.iteration);
        await checkpoint(run, plan, step, 'model');
        continue;
      }
      run.throwIfAborted();
      run.enterIteration(step.iteration);
      // The tools this turn's request offered (prepareStep may have narrowed them); on resume, all of them.
      const tools = step.offered ?? (await plan.tools.resolve());
      const outcome = await runToolStep(run, plan, tools, step.pending, step.fingerprints, step.iteration);
      run.throwIfAborted();
      if (outcome.fatal) throw outcome.fatal.policy === 'abort' ? new ToolCallError(outcome.fatal.toolCall, outcome.fatal.error) : outcome.fatal.error;
      if (outcome.kind === 'interrupted') return { result: await interrupt(run, plan, step.iteration, outcome.pending, fingerprintsFor(run, outcome.pending, tools)) };
      const iteration = step.iteration;
      step = { next: 'model', iteration: iteration + 1 };
      await checkpoint(run, plan, step, 'tools');
      stopped = await checkStopConditions(plan.loop.stopWhen, { iteration, assistantMessage: outcome.assistantMessage, toolResults: outcome.results });
      if (stopped) break;
    }
    // A run stopped after tool results has no final answer to parse.
    const result = run.result(stopped ? undefined : await parseFinalAnswer(plan, run.completions.at(-1)!), stopped?.finalToolResult);
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
 * with exactly one `run.completed`, `run.interrupted` or `run.failed` (it does not throw for a failed run). Hooks run
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
  options: RunOptions<C, O> & WithContext<C>,
): AsyncGenerator<LifecycleEvent, void, undefined> {
  const queue = new EventQueue<LifecycleEvent>(EVENT_BUFFER_SIZE);
  const stop = new AbortController();
  const sink = { streamEvents: true, lifecycleEvents: true, emit: (event: LifecycleEvent) => queue.push(event) };
  const run = runEngine(options, sink, stop.signal).finally(() => queue.close());
  let finished = false;
  try {
    for (;;) {
      // Buffered events are taken without a promise; only an empty queue is awaited.
      const event = queue.take() ?? (await queue.next());
      if (event === null) break;
      if (event.type === 'run.completed' || event.type === 'run.failed' || event.type === 'run.interrupted') finished = true;
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

/**
 * A new run starts its history (the system message from `instructions`, which may depend on the
 * context, then the input messages); a resumed one takes the state's and goes on where it stopped.
 */
async function startRun<C, O>(run: Run<C, O>, plan: RunPlan<C, O>): Promise<Step> {
  const { resume } = plan;
  if (resume) {
    run.continueFrom(resume);
    return resume.next === 'tools' ? { next: 'tools', iteration: resume.iteration, pending: resume.pending, fingerprints: resume.tools } : { next: 'model', iteration: resume.iteration };
  }
  const { instructions, context, messages } = plan.options;
  const system = typeof instructions === 'function' ? await instructions(context as C) : instructions;
  if (system) run.messages.push({ role: 'system', content: system });
  run.messages.push(...(messages ?? []));
  return { next: 'model', iteration: 0 };
}

/**
 * Model request `iteration`: prepared (`prepareStep`), sent (retried and timed as the run says),
 * streamed through the hooks, recorded.
 */
async function modelTurn<C, O>(run: Run<C, O>, plan: RunPlan<C, O>, iteration: number): Promise<Step> {
  if (iteration >= plan.maxIterations) throw new MaxIterationsReached(plan.maxIterations);
  run.throwIfAborted();
  run.enterIteration(iteration);
  const step = await prepareModelStep(run, plan, iteration, await plan.tools.resolve());
  await run.deliver({ type: 'iteration.started', index: iteration, messages: step.messages.slice() });
  const { completion, model } = await requestCompletion(run, plan, step, iteration);
  const assistantMessage = run.recordCompletion(completion);
  await run.deliver({ type: 'iteration.completed', index: iteration, usage: completion.usage ?? null, assistantMessage, completion, model });
  const toolCalls = completion.choices[0]!.message.tool_calls ?? [];
  return toolCalls.length === 0 ? { next: 'finished', iteration } : { next: 'tools', iteration, pending: newPending(toolCalls), offered: step.tools };
}

/** `run.checkpoint` with the run's state, when anybody listens. */
async function checkpoint<C, O>(run: Run<C, O>, plan: RunPlan<C, O>, step: Step, after: 'model' | 'tools'): Promise<void> {
  if (!run.listensTo('run.checkpoint')) return;
  const pending = step.next === 'tools' ? step.pending : [];
  // The turn's own tools when they are at hand; listing them again would ask dynamic sources (MCP) anew.
  const fingerprints = step.next === 'tools' ? fingerprintsFor(run, pending, step.offered ?? (await plan.tools.resolve())) : {};
  const state = run.snapshot(step.next, step.iteration, pending, fingerprints, plan.options.signingKey);
  await run.deliver({ type: 'run.checkpoint', iteration: after === 'model' ? step.iteration : step.iteration - 1, after, state });
}

/** Ends the run for approvals: `run.interrupted`, and a result with the state and the calls that wait. */
async function interrupt<C, O>(run: Run<C, O>, plan: RunPlan<C, O>, iteration: number, pending: PendingCalls, fingerprints: RunStateJSON['tools']): Promise<StreamResult<O>> {
  const state = run.snapshot('tools', iteration, pending, fingerprints, plan.options.signingKey);
  const interruptions = state.undecided;
  const result = run.result(undefined, undefined, { state, interruptions });
  await run.deliver({ type: 'run.interrupted', state, interruptions, result });
  return result;
}

/** The final answer as an instance of `outputType`; a refusal or a misfit fails the run. */
async function parseFinalAnswer<C, O>(plan: RunPlan<C, O>, completion: ChatCompletion): Promise<O | undefined> {
  const { outputType } = plan.options;
  if (!outputType) return undefined;
  const message = completion.choices[0]!.message;
  if (message.refusal) throw new ModelResponseError(`The model refused to answer in the ${outputType.name} format: ${message.refusal}`);
  return parseOutput(outputType, message.content ?? '');
}
