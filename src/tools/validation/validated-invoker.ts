import type { ToolContext } from '../decorators/tool-context.js';
import { ToolArgumentsError } from '../errors.js';
import { invocationOptions } from '../invocation-options.js';
import { dtoName } from '../schema/dto-errors.js';
import { schemaFromClass } from '../schema/schema-from-class.js';
import { argsFromToolCall, toToolResult, type ToolCall, type ToolInvoker } from '../tool.js';
import type { ToolResult } from '../tool-result.js';
import { TOOL_ARGUMENT_LIMITS } from './limits.js';
import { validateDto } from './validate-dto.js';

/** What a validated invoker calls: a `@Tool` method and the instance it belongs to. */
export interface ValidatedInvokerSpec {
  /** The tool name, for error messages. */
  readonly toolName: string;
  /** The argument DTO; `undefined` for a tool without arguments (only `{}` is accepted). */
  readonly input: (new () => object) | undefined;
  readonly method: (args: unknown, context: ToolContext<any>) => unknown;
  /** `this` for the method. */
  readonly instance: object;
}

const NO_ARGUMENTS = Object.freeze({});

/**
 * An invoker that validates the call's arguments into a DTO instance before calling the method, so
 * invalid JSON or invalid fields never reach it: the call fails with a `ToolArgumentsError` naming
 * every failing field and constraint (the engine sends that message to the model). The method's
 * return value becomes the tool message: a string or `ToolResult` as is, anything else as JSON.
 */
export function createValidatedInvoker<C>(spec: ValidatedInvokerSpec): ToolInvoker<C> {
  return async (toolCall, context, options) => {
    const { signal, iteration, reportProgress, idempotencyKey } = invocationOptions(options);
    const args = parsedArguments(spec, toolCall);
    const toolContext: ToolContext<C> = {
      context,
      toolCall,
      signal,
      iteration,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      ...(reportProgress === undefined ? {} : { reportProgress: (progress: number, total?: number, message?: string) => reportProgress({ progress, total, message }) }),
    };
    return callToolMethod(spec, args, toolContext);
  };
}

/**
 * The one call path of a `@Tool` method, shared by the engine's validated invoker and the MCP
 * server: validates the parsed arguments into the DTO (they never reach the method otherwise), calls
 * the method with them and `toolContext`, and turns its return value into a `ToolResult` (strings
 * and `ToolResult`s as they are, anything else as JSON). `args` may be changed (nulls of optional
 * fields and unknown properties are removed): pass a copy you own.
 *
 * @throws {ToolArgumentsError} naming every failing field; whatever the method throws.
 */
export async function callToolMethod(spec: ValidatedInvokerSpec, args: unknown, toolContext: ToolContext<any>): Promise<ToolResult> {
  const valid = await validArguments(spec.toolName, spec.input, args);
  return toToolResult(await spec.method.call(spec.instance, valid, toolContext));
}

function parsedArguments(spec: ValidatedInvokerSpec, toolCall: ToolCall): unknown {
  const text = toolCall.function.arguments ?? '';
  if (text.length > TOOL_ARGUMENT_LIMITS.maxLength) {
    throw new ToolArgumentsError(spec.toolName, [
      { path: '', message: `too long: ${text.length} characters, the limit is ${TOOL_ARGUMENT_LIMITS.maxLength}; send smaller arguments` },
    ]);
  }
  return argsFromToolCall<unknown>(toolCall);
}

/** Options of {@link validateToolArguments}. */
export interface ValidateToolArgumentsOptions {
  /** The tool's name in the error message. Default: the DTO class name. */
  toolName?: string;
}

/**
 * Validates a tool's arguments exactly as the invoker of a `@Tool` method does, for code that has
 * them as a parsed object rather than in a Chat Completions tool call (an MCP server's `tools/call`,
 * a queue worker): JSON types as the DTO's schema states them, no unknown properties at any depth,
 * `null` of an `@IsOptional()` property counts as absent, nesting at most
 * `TOOL_ARGUMENT_LIMITS.maxDepth` deep, then class-transformer and class-validator. `args` itself is
 * not changed.
 *
 * @param dto - the argument DTO class; `null` or `undefined` for a tool without arguments (only an
 *   empty object passes, and `{}` is returned).
 * @returns a validated instance of `dto`, nested DTOs as instances.
 * @throws {ToolArgumentsError} naming every failing field (`issues` has them as `{ path, message }`).
 * @throws {ToolConfigurationError} when the class cannot be expressed as a schema.
 *
 * @example
 * ```ts
 * const args = await validateToolArguments(GetWeather, request.params.arguments, { toolName: 'get_weather' });
 * ```
 */
export async function validateToolArguments<T extends object>(
  dto: (new () => T) | null | undefined,
  args: unknown,
  options: ValidateToolArgumentsOptions = {},
): Promise<T> {
  const toolName = options.toolName ?? (dto ? dtoName(dto) : 'tool');
  let copy: unknown;
  try {
    copy = structuredClone(args);
  } catch (error) {
    throw new ToolArgumentsError(toolName, [{ path: '', message: 'must be JSON data (an object of strings, numbers, booleans, null, arrays and objects)' }], { cause: error });
  }
  if (dto) schemaFromClass(dto); // reports a class that cannot work before blaming the arguments
  return (await validArguments(toolName, dto ?? undefined, copy)) as T;
}

async function validArguments(toolName: string, input: (new () => object) | undefined, plain: unknown): Promise<object> {
  if (input === undefined) {
    const keys = plain !== null && typeof plain === 'object' && !Array.isArray(plain) ? Object.keys(plain) : undefined;
    if (keys === undefined) throw new ToolArgumentsError(toolName, [{ path: '', message: 'must be an empty JSON object: this tool takes no arguments' }]);
    if (keys.length > 0) throw new ToolArgumentsError(toolName, keys.map((key) => ({ path: key, message: 'unknown property: this tool takes no arguments (whitelist)' })));
    return NO_ARGUMENTS;
  }
  const result = await validateDto(input, plain, TOOL_ARGUMENT_LIMITS.maxDepth);
  if (!result.ok) throw new ToolArgumentsError(toolName, result.issues, result.cause === undefined ? undefined : { cause: result.cause });
  return result.value;
}
