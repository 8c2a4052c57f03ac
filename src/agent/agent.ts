import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { streamUntilUserInputEvents } from '../loop/engine.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { ChatParams, Instructions, OutputType, StreamUntilUserInputOptions, ToolErrorPolicy } from '../loop/options.js';
import { streamUntilUserInput } from '../loop/stream-until-user-input.js';
import type { StreamResult } from '../run/stream-result.js';
import type { ModelRequestOptions } from '../loop/openai-sdk.js';
import type { ToolEntry, ToolInvokers } from '../tools/merge.js';
import { AgentTools } from './agent-tools.js';

/** Options of {@link Agent}. */
export interface AgentOptions<C = any, O = unknown> {
  /** The OpenAI client (or `AnthropicOpenAI`, `AzureOpenAI`, any OpenAI-compatible baseURL). */
  client: OpenAI;
  /** Model name. */
  model: string;
  /** The system message of every run; a function computes it from the run's context. */
  instructions?: Instructions<C>;
  /** `@Toolset` instances and MCP toolsets. */
  toolsets?: readonly object[];
  /** Tool objects (`FunctionTool`, ...) and raw `{ type: 'function', function }` schemas. */
  tools?: readonly ToolEntry<C>[];
  /** Invokers for the raw schemas in `tools` (and overrides for tool objects of the same name). */
  toolInvokers?: ToolInvokers<C>;
  /** Hook handlers for every run, called in this order. */
  handlers?: readonly object[];
  /** Extra request body params (`temperature`, `tool_choice`, ...). */
  params?: ChatParams;
  /** Most model requests per run (default 10). */
  maxIterations?: number;
  /** See {@link StreamUntilUserInputOptions.onToolError}. */
  onToolError?: ToolErrorPolicy;
  /** See {@link StreamUntilUserInputOptions.parallelToolCalls}. */
  parallelToolCalls?: boolean | number;
  /** See {@link StreamUntilUserInputOptions.fallbackInvoker}. */
  fallbackInvoker?: StreamUntilUserInputOptions<C>['fallbackInvoker'];
  /** See {@link StreamUntilUserInputOptions.toolCallOutputCallback}. */
  toolCallOutputCallback?: StreamUntilUserInputOptions<C>['toolCallOutputCallback'];
  /** Per-request options for the OpenAI client. */
  requestOptions?: ModelRequestOptions;
  /** Structured output: every run's final answer is parsed and validated into this class (`result.parsed`). */
  outputType?: OutputType<O>;
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
}

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
  private readonly tools: AgentTools<C>;

  /** @throws {ToolConfigurationError} when two tools share a name (naming both owners) or a schema has no invoker. */
  constructor(private readonly options: AgentOptions<C, O>) {
    if (!options || typeof options !== 'object') throw new TypeError('new Agent() needs options { client, model, ... }.');
    this.tools = new AgentTools<C>([...(options.toolsets ?? []), ...(options.tools ?? [])], options.toolInvokers ?? {});
  }

  /** Runs until the model answers without tool calls. Rejects like `streamUntilUserInput`. */
  run(input: string | readonly ChatCompletionMessageParam[], runOptions: AgentRunOptions<C> = {}): Promise<StreamResult<O>> {
    return streamUntilUserInput(this.engineOptions(input, runOptions));
  }

  /** The run's lifecycle events as they happen (ends with `run.completed` or `run.failed`). */
  stream(input: string | readonly ChatCompletionMessageParam[], runOptions: AgentRunOptions<C> = {}): AsyncGenerator<LifecycleEvent, void, undefined> {
    return streamUntilUserInputEvents(this.engineOptions(input, runOptions));
  }

  /** The engine's options for one run; anything wrong with them is reported by the run itself. */
  private engineOptions(input: string | readonly ChatCompletionMessageParam[], run: AgentRunOptions<C>): StreamUntilUserInputOptions<C, O> {
    const { options } = this;
    return {
      client: options.client,
      model: options.model,
      instructions: options.instructions,
      // Anything but a string goes through as is: the engine names a wrong value in `run.failed`.
      messages: typeof input === 'string' ? [{ role: 'user', content: input }] : input,
      tools: [this.tools],
      streamHandler: [...(options.handlers ?? []), ...(run.handlers ?? [])],
      params: options.params,
      context: run.context,
      signal: run.signal,
      maxIterations: run.maxIterations ?? options.maxIterations,
      onToolError: options.onToolError,
      parallelToolCalls: options.parallelToolCalls,
      fallbackInvoker: options.fallbackInvoker,
      toolCallOutputCallback: options.toolCallOutputCallback,
      requestOptions: options.requestOptions,
      outputType: options.outputType,
    };
  }
}
