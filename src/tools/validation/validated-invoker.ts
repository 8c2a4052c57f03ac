import { ToolArgumentsError } from '../errors.js';
import { argsFromToolCall, toToolResult, type ToolCall, type ToolInvoker } from '../tool.js';
import type { ToolContext } from '../decorators/tool-context.js';
import { invocationOptions } from '../invocation-options.js';
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
    const { signal, iteration } = invocationOptions(options);
    const args = await validArguments(spec, toolCall);
    const toolContext: ToolContext<C> = { context, toolCall, signal, iteration };
    return toToolResult(await spec.method.call(spec.instance, args, toolContext));
  };
}

async function validArguments(spec: ValidatedInvokerSpec, toolCall: ToolCall): Promise<object> {
  const text = toolCall.function.arguments ?? '';
  if (text.length > TOOL_ARGUMENT_LIMITS.maxLength) {
    throw new ToolArgumentsError(spec.toolName, [
      { path: '', message: `too long: ${text.length} characters, the limit is ${TOOL_ARGUMENT_LIMITS.maxLength}; send smaller arguments` },
    ]);
  }
  const plain = argsFromToolCall<unknown>(toolCall);
  if (spec.input === undefined) {
    const keys = plain !== null && typeof plain === 'object' && !Array.isArray(plain) ? Object.keys(plain) : undefined;
    if (keys === undefined) throw new ToolArgumentsError(spec.toolName, [{ path: '', message: 'must be an empty JSON object: this tool takes no arguments' }]);
    if (keys.length > 0) throw new ToolArgumentsError(spec.toolName, keys.map((key) => ({ path: key, message: 'unknown property: this tool takes no arguments (whitelist)' })));
    return NO_ARGUMENTS;
  }
  const result = await validateDto(spec.input, plain, TOOL_ARGUMENT_LIMITS.maxDepth);
  if (!result.ok) throw new ToolArgumentsError(spec.toolName, result.issues);
  return result.value;
}
