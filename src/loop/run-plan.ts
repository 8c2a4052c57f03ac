import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import { HookTable } from '../hooks/hook-table.js';
import { STREAM_EVENT_TYPES } from '../run/event-names.js';
import type { StreamEventType } from '../run/stream-events.js';
import { ToolCatalog } from '../tools/catalog.js';
import { responseFormatFromClass } from '../tools/response-format.js';
import { DEFAULT_MAX_ITERATIONS, DEFAULT_TOOL_ERROR_POLICY } from './defaults.js';
import { resumableState, type RunStateJSON } from '../run/run-state.js';
import { loopControlProblems, planLoopControl, type LoopControlPlan } from './loop-control-plan.js';
import type { RunOptions, StreamUntilUserInputOptions, ToolErrorPolicy } from './options.js';
import { telemetryOptionProblem } from '../telemetry/options.js';

const ALL_STREAM_EVENTS: ReadonlySet<StreamEventType> = new Set(STREAM_EVENT_TYPES);
const NO_STREAM_EVENTS: ReadonlySet<StreamEventType> = new Set();

/** A run's options, checked once, with the defaults filled in and what they imply built. */
export interface RunPlan<C, O> {
  /** The options as given; `messages` is absent only when resuming. */
  readonly options: RunOptions<C, O>;
  /** The state a resumed run goes on from (checked: shape, version, signature, not finished). */
  readonly resume: RunStateJSON | undefined;
  readonly hooks: HookTable;
  readonly tools: ToolCatalog<C>;
  readonly maxIterations: number;
  readonly policy: ToolErrorPolicy;
  /** Tool calls of one message run at once. */
  readonly concurrency: number;
  /** The `response_format` asked for by `outputType`, unless `params.response_format` is set. */
  readonly responseFormat: ResponseFormatJSONSchema | undefined;
  /** Stream events the sink takes as `stream.event`s. */
  readonly yieldedStreamEvents: ReadonlySet<StreamEventType>;
  /** Stream events somebody (the sink or a hook) listens to: only these are built. */
  readonly wantedStreamEvents: ReadonlySet<StreamEventType>;
  /** Stop conditions, the repeated-call limit, tool output limit, retries, timeouts and fallback models. */
  readonly loop: LoopControlPlan;
}

/**
 * Checks every option and builds the plan of a run.
 *
 * @param sinkTakesStreamEvents - whether the run's consumer takes stream events (the events generator).
 * @throws {TypeError} listing every malformed option; {@link ToolConfigurationError} for tools that
 *   do not fit together; `TypeError` for a handler that is not an object.
 */
export function planRun<C, O>(options: RunOptions<C, O>, sinkTakesStreamEvents: boolean): RunPlan<C, O> {
  checkOptions(options);
  const resume = options.resume === undefined ? undefined : resumableState(options.resume, options.signingKey);
  const hooks = new HookTable(handlerList(options.streamHandler));
  const yielded = sinkTakesStreamEvents ? streamEventSelection(options.streamEvents) : NO_STREAM_EVENTS;
  return {
    options,
    resume,
    hooks,
    tools: new ToolCatalog<C>({
      paramsTools: options.params?.tools,
      entries: options.tools,
      toolInvokers: options.toolInvokers,
      hasFallbackInvoker: options.fallbackInvoker !== undefined,
    }),
    maxIterations: options.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    policy: options.onToolError ?? DEFAULT_TOOL_ERROR_POLICY,
    concurrency: concurrencyOf(options.parallelToolCalls),
    responseFormat: options.outputType && !options.params?.response_format ? responseFormatFromClass(options.outputType) : undefined,
    yieldedStreamEvents: yielded,
    wantedStreamEvents: new Set(STREAM_EVENT_TYPES.filter((type) => yielded.has(type) || hooks.has(type))),
    loop: planLoopControl(options),
  };
}

function streamEventSelection(choice: StreamUntilUserInputOptions['streamEvents']): ReadonlySet<StreamEventType> {
  if (choice === undefined || choice === true) return ALL_STREAM_EVENTS;
  if (choice === false) return NO_STREAM_EVENTS;
  return new Set(choice);
}

function handlerList(handler: StreamUntilUserInputOptions['streamHandler']): readonly object[] {
  if (handler === undefined || handler === null) return [];
  return Array.isArray(handler) ? handler : [handler as object];
}

function concurrencyOf(parallel: boolean | number | undefined): number {
  if (parallel === undefined || parallel === true) return Number.POSITIVE_INFINITY;
  if (parallel === false) return 1;
  return parallel;
}

/** Every problem with the options, in one message. */
function checkOptions(options: RunOptions<any, any>): void {
  if (!options || typeof options !== 'object') throw new TypeError('streamUntilUserInput needs an options object { client, model, messages, ... }.');
  const problems: string[] = [];
  if (!options.client || typeof options.client.chat?.completions?.create !== 'function') {
    problems.push('client must be an OpenAI instance (new OpenAI({ apiKey })).');
  }
  if (typeof options.model !== 'string' || options.model === '') problems.push('model must be a non-empty string, e.g. "gpt-4.1-nano".');
  if (options.resume === undefined ? !Array.isArray(options.messages) : options.messages !== undefined && !Array.isArray(options.messages)) {
    problems.push('messages must be an array of chat messages, e.g. [{ role: "user", content: "Hi" }].');
  }
  if (options.needsApproval !== undefined && typeof options.needsApproval !== 'function') {
    problems.push('needsApproval must be a function (toolCall, context) => boolean; set needsApproval on a tool for a fixed answer.');
  }
  const key = options.signingKey;
  if (key !== undefined && !((typeof key === 'string' && key !== '') || (key instanceof Uint8Array && key.length > 0))) {
    problems.push('signingKey must be a non-empty string or Uint8Array (keep it on the server).');
  }
  if (options.runId !== undefined && (typeof options.runId !== 'string' || options.runId === '')) {
    problems.push(`runId must be a non-empty string, got ${JSON.stringify(options.runId)}.`);
  }
  if (options.checkpointToolCalls !== undefined && typeof options.checkpointToolCalls !== 'boolean') {
    problems.push(`checkpointToolCalls must be true or false, got ${String(options.checkpointToolCalls)}.`);
  }
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
  const parallel = options.parallelToolCalls;
  if (parallel !== undefined && typeof parallel !== 'boolean' && !(Number.isInteger(parallel) && parallel >= 1)) {
    problems.push(`parallelToolCalls must be true, false or a positive integer, got ${String(parallel)}.`);
  }
  const streamEvents = options.streamEvents;
  if (streamEvents !== undefined && typeof streamEvents !== 'boolean') {
    const unknown = Array.isArray(streamEvents) ? streamEvents.filter((type) => !ALL_STREAM_EVENTS.has(type)) : undefined;
    if (!unknown) problems.push(`streamEvents must be true, false or an array of stream event types, got ${String(streamEvents)}.`);
    else if (unknown.length > 0) problems.push(`streamEvents names unknown stream event types (${unknown.join(', ')}); known: ${STREAM_EVENT_TYPES.join(', ')}.`);
  }
  problems.push(...loopControlProblems(options));
  const telemetryProblem = telemetryOptionProblem(options.telemetry);
  if (telemetryProblem) problems.push(telemetryProblem);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) problems.push(`name must be a non-empty string, got ${String(options.name)}.`);
  if (problems.length > 0) throw new TypeError(`Invalid options: ${problems.join(' ')}`);
}
