import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { streamUntilUserInputEvents } from '../loop/engine.js';
import type { RunSettings, StreamUntilUserInputOptions, WithContext } from '../loop/options.js';
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

  /** Runs until the model answers without tool calls. Rejects like `streamUntilUserInput`. */
  run(input: string | readonly ChatCompletionMessageParam[], ...[runOptions]: AgentRunArguments<C>): Promise<StreamResult<O>> {
    return streamUntilUserInput<C, O>(this.engineOptions(input, runOptions ?? {}));
  }

  /** The run's lifecycle events as they happen (ends with `run.completed` or `run.failed`). */
  stream(input: string | readonly ChatCompletionMessageParam[], ...[runOptions]: AgentRunArguments<C>): AsyncGenerator<LifecycleEvent, void, undefined> {
    return streamUntilUserInputEvents<C, O>(this.engineOptions(input, runOptions ?? {}));
  }

  /** The engine's options for one run (`run()`'s signature required a context where one is due); what is wrong with them is reported by the run. */
  private engineOptions(input: string | readonly ChatCompletionMessageParam[], run: AgentRunOptions<C>): StreamUntilUserInputOptions<C, O> & WithContext<C> {
    // The agent's tools (with their toolInvokers) are in its catalog; every other setting goes through as is.
    const { toolsets: _toolsets, tools: _tools, toolInvokers: _toolInvokers, handlers, ...settings } = this.options;
    return {
      ...settings,
      // Anything but a string goes through as is: the engine names a wrong value in `run.failed`.
      messages: typeof input === 'string' ? [{ role: 'user', content: input }] : input,
      tools: [this.tools],
      streamHandler: [...(handlers ?? []), ...(run.handlers ?? [])],
      context: run.context,
      signal: run.signal,
      maxIterations: run.maxIterations ?? settings.maxIterations,
      streamEvents: run.streamEvents,
    } as StreamUntilUserInputOptions<C, O> & WithContext<C>;
  }
}
