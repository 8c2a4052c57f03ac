import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { streamUntilUserInputEvents } from '../loop/engine.js';
import type { RunOptions, RunSettings, StreamUntilUserInputOptions, WithContext } from '../loop/options.js';
import { RUN_STATE_TYPE, RunState, type RunStateJSON } from '../run/run-state.js';
import { streamUntilUserInput } from '../loop/stream-until-user-input.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { StreamResult } from '../run/stream-result.js';
import { ToolCatalog, type ToolEntry } from '../tools/catalog.js';

/** Options of {@link Agent}: what its runs share ({@link RunSettings}), plus its client, model, tools and handlers. */
export interface AgentOptions<C = any, O = unknown> extends RunSettings<C, O> {
  /** The OpenAI client (or `AnthropicOpenAI`, `AzureOpenAI`, any OpenAI-compatible baseURL). */
  client: OpenAI;
  /** Model name. */
  model: string;
  /** `@Toolset` instances and MCP toolsets. */
  toolsets?: readonly object[];
  /** Tool objects (`FunctionTool`, ...) and raw `{ type: 'function', function }` schemas (with their `toolInvokers`). */
  tools?: readonly ToolEntry<C>[];
  /** Hook handlers for every run, called in this order. */
  handlers?: readonly object[];
  /** Names the agent in telemetry: its runs' spans are `invoke_agent {name}`, with `gen_ai.agent.name`. */
  name?: string;
}

/** What {@link Agent.run} takes: a user message, the messages so far, or a paused run to resume. */
export type AgentInput = string | readonly ChatCompletionMessageParam[] | RunState | RunStateJSON;

/** A `RunState` (of either copy of the package) or its JSON form. */
function isRunStateInput(input: AgentInput): input is RunState | RunStateJSON {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  return input instanceof RunState || typeof (input as { toJSON?: unknown }).toJSON === 'function' || (input as { type?: unknown }).type === RUN_STATE_TYPE;
}

/** Options of one {@link Agent.run} / {@link Agent.stream}. */
export interface AgentRunOptions<C = any> {
  /** Reaches every tool (`ctx.context`) and hook (`run.context`) of this run. */
  context?: C;
  /** Aborts the run. */
  signal?: AbortSignal;
  /** Handlers for this run only, after the agent's handlers. */
  handlers?: readonly object[];
  /** Overrides the agent's `maxIterations` for this run. */
  maxIterations?: number;
  /** Which stream events {@link Agent.stream} yields; see {@link StreamUntilUserInputOptions.streamEvents}. */
  streamEvents?: StreamUntilUserInputOptions['streamEvents'];
  /** Overrides the agent's `checkpointToolCalls` for this run (see {@link RunSettings.checkpointToolCalls}). */
  checkpointToolCalls?: boolean;
  /** The run's id; see {@link StreamUntilUserInputOptions.runId}. Ignored when resuming (the state's id is kept). */
  runId?: string;
}

/**
 * The options argument of {@link Agent.run} and {@link Agent.stream}: optional while the agent's
 * context type is `any`, required with its `context` once the type is given (`new Agent<Session>(...)`
 * or inferred from typed tools).
 */
export type AgentRunArguments<C> = unknown extends C
  ? [runOptions?: AgentRunOptions<C>]
  : undefined extends C
    ? [runOptions?: AgentRunOptions<C>]
    : [runOptions: AgentRunOptions<C> & { context: C }];

/**
 * Holds what a conversation needs — client, model, instructions, toolsets, handlers — and runs it.
 * An `Agent` keeps no per-run state: one instance (e.g. a NestJS singleton) serves concurrent runs,
 * each with its own `context`.
 *
 * @example
 * ```ts
 * const agent = new Agent({ client, model: 'gpt-4.1-nano', instructions: 'You are a weather bot.', toolsets: [new WeatherTools(api)] });
 * const result = await agent.run('Weather in Tokyo?', { context: { userId: 'u1' } });
 * ```
 */
export class Agent<C = any, O = unknown> {
  private readonly tools: ToolCatalog<C>;

  /**
   * Unlike the function API, where a later schema of one name replaces an earlier one, two tools with
   * one name are an error naming both owners: checked here for everything known now, and before each
   * request for sources whose tools can change (MCP).
   *
   * @throws {ToolConfigurationError} when two tools share a name (naming both owners) or a schema has no invoker.
   */
  constructor(private readonly options: AgentOptions<C, O>) {
    if (!options || typeof options !== 'object') throw new TypeError('new Agent() needs options { client, model, ... }.');
    this.tools = new ToolCatalog<C>({
      entries: [...(options.toolsets ?? []), ...(options.tools ?? [])],
      toolInvokers: options.toolInvokers,
      schemas: 'bound',
      hasFallbackInvoker: options.fallbackInvoker !== undefined,
    });
  }

  /**
   * Runs until the model answers without tool calls, or until calls wait for approval (the result's
   * `interruptions` and `state` are then set). `input` is a user message, the messages so far, or a
   * paused run's `RunState` (or its JSON) to resume. Rejects like `streamUntilUserInput`.
   */
  run(input: AgentInput, ...[runOptions]: AgentRunArguments<C>): Promise<StreamResult<O>> {
    return streamUntilUserInput<C, O>(this.engineOptions(input, runOptions ?? {}));
  }

  /** The run's lifecycle events as they happen (ends with `run.completed`, `run.interrupted` or `run.failed`). */
  stream(input: AgentInput, ...[runOptions]: AgentRunArguments<C>): AsyncGenerator<LifecycleEvent, void, undefined> {
    return streamUntilUserInputEvents<C, O>(this.engineOptions(input, runOptions ?? {}));
  }

  /** The engine's options for one run (`run()`'s signature required a context where one is due); what is wrong with them is reported by the run. */
  private engineOptions(input: AgentInput, run: AgentRunOptions<C>): RunOptions<C, O> & WithContext<C> {
    // The agent's tools (with their toolInvokers) are in its catalog; every other setting goes through as is.
    const { toolsets: _toolsets, tools: _tools, toolInvokers: _toolInvokers, handlers, ...settings } = this.options;
    return {
      ...settings,
      // Anything but a string or a state goes through as is: the engine names a wrong value in `run.failed`.
      ...(isRunStateInput(input) ? { resume: input } : { messages: typeof input === 'string' ? [{ role: 'user' as const, content: input }] : input }),
      tools: [this.tools],
      streamHandler: [...(handlers ?? []), ...(run.handlers ?? [])],
      context: run.context,
      signal: run.signal,
      maxIterations: run.maxIterations ?? settings.maxIterations,
      streamEvents: run.streamEvents,
      checkpointToolCalls: run.checkpointToolCalls ?? settings.checkpointToolCalls,
      runId: run.runId,
    } as RunOptions<C, O> & WithContext<C>;
  }
}
