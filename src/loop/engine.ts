import { randomUUID } from 'node:crypto';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import { STREAM_EVENT_TYPES } from '../run/event-names.js';
import { HookTable } from '../hooks/hook-table.js';
import type { RunInfo } from '../run/run-info.js';
import { collectTools, hasDynamicTools, mergeCollected, type MergedTools } from '../tools/merge.js';
import { responseFormatFromClass } from '../tools/response-format.js';
import { parseOutput } from '../tools/validation/parse-output.js';
import { childController, raceAbort } from './abort.js';
import { attachMessages, MaxIterationsReached, ModelResponseError, RunAbortedError, ToolCallError } from '../run/errors.js';
import { EventQueue } from './event-queue.js';
import type { LifecycleEvent, RunFailedEvent } from '../run/lifecycle-events.js';
import { toAssistantParam, toolMessage } from './messages.js';
import type { StreamUntilUserInputOptions } from './options.js';
import type { StreamEvent, StreamEventType } from '../run/stream-events.js';
import { StreamResult } from '../run/stream-result.js';
import { runToolBatch } from './tool-batch.js';
import { TurnStream } from './turn-stream.js';

const DEFAULT_MAX_ITERATIONS = 10;
const ALL_STREAM_EVENTS: ReadonlySet<StreamEventType> = new Set(STREAM_EVENT_TYPES);

/** Where the engine delivers lifecycle events after their hooks ran. */
export interface EventSink {
  /** Whether `stream.event`s are wanted (hooks get stream events either way). */
  readonly streamEvents: boolean;
  /** Receives each event; a returned promise holds the run until it settles (backpressure). */
  emit(event: LifecycleEvent): void | Promise<void>;
}

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
export async function runEngine<C, O = unknown>(
  options: StreamUntilUserInputOptions<C, O>,
  sink: EventSink,
  stop?: AbortSignal,
): Promise<RunOutcome<O>> {
  const runId = randomUUID();
  const { controller, dispose } = childController(options?.signal);
  const abortOnStop = () => controller.abort(new RunAbortedError(new Error('The consumer stopped reading the run events.')));
  if (stop?.aborted) abortOnStop();
  else stop?.addEventListener('abort', abortOnStop, { once: true });
  const signal = controller.signal;
  const messages: ChatCompletionMessageParam[] = [];
  const usages: CompletionUsage[] = [];
  const completions: ChatCompletion[] = [];
  let hooks: HookTable | undefined;
  let runInfo: RunInfo<C> = { runId, iteration: 0, context: options?.context as C, signal };
  let turn: TurnStream | undefined;

  const announce = async (event: LifecycleEvent): Promise<void> => {
    const hooked = hooks!.dispatch(event, runInfo);
    if (hooked) await hooked;
    const emitted = sink.emit(event);
    if (emitted) await emitted;
  };

  try {
    checkOptions(options);
    hooks = new HookTable(handlerList(options.streamHandler));
    const instructions = typeof options.instructions === 'function' ? await options.instructions(options.context as C) : options.instructions;
    if (instructions) messages.push({ role: 'system', content: instructions });
    messages.push(...options.messages);
    const wanted = sink.streamEvents ? ALL_STREAM_EVENTS : new Set(STREAM_EVENT_TYPES.filter((type) => hooks!.has(type)));
    const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    const policy = options.onToolError ?? 'emit';
    const concurrency = concurrencyOf(options.parallelToolCalls);
    const dynamicTools = hasDynamicTools(options.tools);
    const responseFormat = options.outputType && !options.params?.response_format ? responseFormatFromClass(options.outputType) : undefined;
    let merged: MergedTools<C> | undefined;

    for (let iteration = 0; ; iteration++) {
      if (signal.aborted) throw signal.reason;
      runInfo = { runId, iteration, context: options.context as C, signal };
      if (merged === undefined || dynamicTools) merged = await mergeFor(options);
      await announce({ type: 'iteration.started', index: iteration, messages: messages.slice() });

      const info = runInfo;
      const consume = (event: StreamEvent): void | Promise<void> => {
        const hooked = hooks!.dispatch(event, info);
        if (!sink.streamEvents) return hooked;
        if (hooked) return hooked.then(() => sink.emit({ type: 'stream.event', iteration, event }));
        return sink.emit({ type: 'stream.event', iteration, event });
      };
      turn = new TurnStream(options.client, requestBody(options, messages, merged, responseFormat), signal, options.requestOptions, wanted, consume);
      // Raced with the signal: a hook that ignores it must not hold an aborted run.
      const completion = await raceAbort(turn.completion(), signal);
      turn = undefined;
      const choice = completion.choices[0];
      if (!choice) throw new ModelResponseError(`The model's response to request ${iteration + 1} has no choices.`);
      const assistantMessage = toAssistantParam(choice.message);
      messages.push(assistantMessage);
      completions.push(completion);
      if (completion.usage) usages.push(completion.usage);
      await announce({ type: 'iteration.completed', index: iteration, usage: completion.usage ?? null, assistantMessage, completion });

      const toolCalls = choice.message.tool_calls ?? [];
      if (toolCalls.length === 0) break;

      const events = new EventQueue<LifecycleEvent>();
      const batch = runToolBatch(toolCalls, {
        iteration,
        context: options.context as C,
        signal,
        policy,
        concurrency,
        invokers: merged.toolInvokers,
        availableTools: merged.tools.map((tool) => (tool.type === 'function' ? tool.function.name : tool.custom.name)),
        fallbackInvoker: options.fallbackInvoker,
        outputCallback: options.toolCallOutputCallback,
        events,
      }).finally(() => events.close());
      batch.catch(() => {});
      for (let event = await events.next(); event !== null; event = await events.next()) await announce(event);
      const outcome = await batch;
      toolCalls.forEach((call, index) => messages.push(toolMessage(call.id, outcome.contents[index]!)));
      if (signal.aborted) throw signal.reason;
      if (outcome.fatal) {
        throw outcome.fatal.policy === 'abort' ? new ToolCallError(outcome.fatal.toolCall, outcome.fatal.error) : outcome.fatal.error;
      }
      if (iteration + 1 >= maxIterations) throw new MaxIterationsReached(maxIterations);
    }

    const parsed = options.outputType ? await parseFinalAnswer(options.outputType, completions.at(-1)!) : undefined;
    const result = new StreamResult<O>(messages, usages, completions, parsed);
    await announce({ type: 'run.completed', result });
    return { result };
  } catch (thrown) {
    turn?.abort();
    const error = signal.aborted ? asAbortError(thrown, signal.reason) : thrown;
    if (!signal.aborted) controller.abort(error);
    const failedMessages = messages.slice();
    attachMessages(error, failedMessages);
    const failed: RunFailedEvent = { type: 'run.failed', error, messages: failedMessages };
    try {
      if (hooks) await hooks.dispatch(failed, runInfo);
    } catch (hookError) {
      // The run's own error stays the one reported; the failing onRunFailed hook is kept beside it.
      if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
        Object.defineProperty(error, 'suppressed', { value: hookError, configurable: true, enumerable: false });
      }
    }
    await sink.emit(failed);
    return { error };
  } finally {
    turn?.abort();
    if (!signal.aborted) controller.abort(new Error('The run ended.'));
    dispose();
    stop?.removeEventListener('abort', abortOnStop);
  }
}

/**
 * The engine as an async generator of lifecycle events: every event of the run in order, ending
 * with exactly one `run.completed` or `run.failed` (it does not throw for a failed run). Hooks run
 * before each event is yielded. Stopping the iteration early (`break`) aborts the request and the
 * running tools.
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
  options: StreamUntilUserInputOptions<C, O>,
): AsyncGenerator<LifecycleEvent, void, undefined> {
  // A few events of slack keep the engine from waiting on the consumer at every single chunk.
  const queue = new EventQueue<LifecycleEvent>(64);
  const stop = new AbortController();
  const run = runEngine(options, { streamEvents: true, emit: (event) => queue.push(event) }, stop.signal).finally(() => queue.close());
  let finished = false;
  try {
    for (let event = await queue.next(); event !== null; event = await queue.next()) {
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

function asAbortError(thrown: unknown, reason: unknown): unknown {
  if (thrown instanceof RunAbortedError) return thrown;
  return reason instanceof RunAbortedError ? reason : new RunAbortedError(reason);
}

async function mergeFor<C>(options: StreamUntilUserInputOptions<C, any>): Promise<MergedTools<C>> {
  const collected = await collectTools(options.tools ?? []);
  return mergeCollected(
    {
      paramsTools: options.params?.tools,
      toolInvokers: options.toolInvokers,
      hasFallbackInvoker: options.fallbackInvoker !== undefined,
    },
    collected,
  );
}

/** The final answer as an instance of `outputType`; a refusal or a misfit fails the run. */
async function parseFinalAnswer<O>(outputType: new () => O, completion: ChatCompletion): Promise<O> {
  const message = completion.choices[0]!.message;
  if (message.refusal) {
    throw new ModelResponseError(`The model refused to answer in the ${outputType.name} format: ${message.refusal}`);
  }
  return parseOutput(outputType, message.content ?? '');
}

function requestBody<C>(
  options: StreamUntilUserInputOptions<C, any>,
  messages: ChatCompletionMessageParam[],
  merged: MergedTools<C>,
  responseFormat: ResponseFormatJSONSchema | undefined,
): ChatCompletionCreateParamsStreaming {
  const params = (options.params ?? {}) as Record<string, unknown>;
  const body: Record<string, unknown> = { ...params, model: options.model, messages, stream: true };
  if (responseFormat) body['response_format'] = responseFormat;
  if (!('stream_options' in params)) body['stream_options'] = { include_usage: true };
  if (merged.tools.length > 0) body['tools'] = merged.tools;
  else delete body['tools'];
  return body as unknown as ChatCompletionCreateParamsStreaming;
}

function handlerList(handler: StreamUntilUserInputOptions['streamHandler']): readonly object[] {
  if (handler === undefined || handler === null) return [];
  return Array.isArray(handler) ? handler : [handler as object];
}

function concurrencyOf(parallel: boolean | number | undefined): number {
  if (parallel === undefined || parallel === true) return Number.POSITIVE_INFINITY;
  if (parallel === false) return 1;
  if (Number.isInteger(parallel) && parallel >= 1) return parallel;
  throw new TypeError(`parallelToolCalls must be true, false or a positive integer, got ${String(parallel)}.`);
}

function checkOptions(options: StreamUntilUserInputOptions<any, any>): void {
  const problems: string[] = [];
  if (!options || typeof options !== 'object') throw new TypeError('streamUntilUserInput needs an options object { client, model, messages, ... }.');
  if (!options.client || typeof options.client.chat?.completions?.create !== 'function') {
    problems.push('client must be an OpenAI instance (new OpenAI({ apiKey })).');
  }
  if (typeof options.model !== 'string' || options.model === '') problems.push('model must be a non-empty string, e.g. "gpt-4.1-nano".');
  if (!Array.isArray(options.messages)) problems.push('messages must be an array of chat messages, e.g. [{ role: "user", content: "Hi" }].');
  const max = options.maxIterations;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) problems.push(`maxIterations must be a positive integer, got ${String(max)}.`);
  const instructions = options.instructions;
  if (instructions !== undefined && typeof instructions !== 'string' && typeof instructions !== 'function') {
    problems.push('instructions must be a string or a function of the context returning one.');
  }
  const policy = options.onToolError;
  if (policy !== undefined && policy !== 'emit' && policy !== 'raise' && policy !== 'abort') {
    problems.push(`onToolError must be 'emit', 'raise' or 'abort', got ${JSON.stringify(policy)}.`);
  }
  if (problems.length > 0) throw new TypeError(`Invalid options: ${problems.join(' ')}`);
}
