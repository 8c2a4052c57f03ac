import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { FunctionParameters } from 'openai/resources/shared';
import { ToolConfigurationError } from './errors.js';
import { invocationOptions } from './invocation-options.js';
import { checkedNeedsApproval } from './needs-approval.js';
import { argsFromToolCall, toToolResult, type NeedsApproval, type Tool, type ToolCall, type ToolInvocationOptions } from './tool.js';
import type { ToolResult } from './tool-result.js';

/** Names OpenAI accepts for functions. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Everything an `execute` function gets besides the parsed arguments. */
export interface FunctionToolExecuteOptions extends ToolInvocationOptions {
  /** The raw tool call. */
  readonly toolCall: ToolCall;
}

/** Options of {@link FunctionTool}. */
export interface FunctionToolOptions<A, C> {
  /** Function name the model calls (`^[a-zA-Z0-9_-]{1,64}$`). */
  name: string;
  /** What the tool does; the model reads it to decide when to call. */
  description?: string;
  /** JSON schema of the arguments object. Default: an object with no properties. */
  parameters?: FunctionParameters;
  /** Ask for OpenAI strict mode (the schema must then be strict-compatible). Default `false`. */
  strict?: boolean;
  /** Milliseconds before a call fails with `ToolTimeoutError`. */
  timeout?: number;
  /** Whether a call waits for a person's approval (`true`, or a function of the parsed arguments and context). Default `false`. */
  needsApproval?: NeedsApproval<C>;
  /** Runs the call with the parsed JSON arguments (not validated: use a `@Tool` DTO for that). */
  execute: (args: A, context: C, options: FunctionToolExecuteOptions) => unknown;
}

/**
 * A tool defined by a JSON schema and a function, carried together so nobody wires schema and
 * invoker by name. `execute` receives the parsed arguments; a string or `ToolResult` return is used
 * as is, anything else is JSON-serialised.
 *
 * @example
 * ```ts
 * const getWeather = new FunctionTool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
 *   strict: true,
 *   execute: async ({ city }: { city: string }) => `Sunny in ${city}`,
 * });
 * await streamUntilUserInput({ client, model, messages, tools: [getWeather] });
 * ```
 */
export class FunctionTool<A = any, C = any> implements Tool<C> {
  readonly schema: ChatCompletionFunctionTool;
  readonly timeout: number | undefined;
  readonly needsApproval: NeedsApproval<C> | undefined;
  private readonly execute: FunctionToolOptions<A, C>['execute'];

  constructor(options: FunctionToolOptions<A, C>) {
    if (!TOOL_NAME_PATTERN.test(options.name ?? '')) {
      throw new ToolConfigurationError(
        `FunctionTool name ${JSON.stringify(options.name)} is not a valid function name: ` +
          'use 1-64 characters from a-z, A-Z, 0-9, "_" and "-".',
      );
    }
    if (typeof options.execute !== 'function') {
      throw new ToolConfigurationError(`FunctionTool "${options.name}" needs an execute function.`);
    }
    this.schema = {
      type: 'function',
      function: {
        name: options.name,
        ...(options.description === undefined ? {} : { description: options.description }),
        parameters: options.parameters ?? { type: 'object', properties: {}, required: [], additionalProperties: false },
        strict: options.strict ?? false,
      },
    };
    this.timeout = options.timeout;
    this.needsApproval = checkedNeedsApproval(options.needsApproval, `FunctionTool "${options.name}"`);
    this.execute = options.execute;
  }

  /** The function name. */
  get name(): string {
    return this.schema.function.name;
  }

  /**
   * Runs one call: parses `function.arguments` (`''` counts as `{}`), calls `execute` with them and
   * turns its return value into a `ToolResult` (strings and `ToolResult`s as they are, `undefined` as
   * `''`, anything else JSON-serialised). `timeout` is not applied here: the run wraps the invoker.
   * `options` may be left out (the seed's two-argument call): `execute` then gets a signal that never
   * aborts and iteration `0`.
   *
   * @throws {ToolArgumentsError} when the arguments are not valid JSON.
   */
  readonly invoke = async (toolCall: ToolCall, context: C, options?: ToolInvocationOptions): Promise<ToolResult> => {
    const args = argsFromToolCall<A>(toolCall);
    return toToolResult(await this.execute(args, context, { ...invocationOptions(options), toolCall }));
  };
}
