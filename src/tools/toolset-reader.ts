import { readToolRecords, readToolsetOptions } from './decorators/metadata-reader.js';
import type { ToolContext } from './decorators/tool-context.js';
import { readToolsetPlan } from './decorators/toolset-plan.js';
import { ToolConfigurationError } from './errors.js';
import type { Tool } from './tool.js';
import { createValidatedInvoker } from './validation/validated-invoker.js';

const instanceCache = new WeakMap<object, readonly Tool[]>();

/**
 * The tools of an instance of a `@Toolset` class, one per `@Tool` method: the schema built from the
 * method's DTO and a validated invoker that calls the method with `this` bound to the instance.
 * Each tool's `owner` is `ClassName.method`. Schemas are built once per class, tools once per instance.
 *
 * @example
 * ```ts
 * const tools = toolsFromToolset(new WeatherTools(api));
 * await streamUntilUserInput({ client, model, messages, tools });
 * ```
 *
 * @throws {ToolConfigurationError} when the object is not a `@Toolset` instance or a tool cannot be
 *   built (message names the class, method and property).
 */
export function toolsFromToolset<C = any>(instance: object): Tool<C>[] {
  if (typeof instance !== 'object' || instance === null) {
    throw new ToolConfigurationError(`toolsFromToolset needs an instance of a @Toolset class, got ${instance === null ? 'null' : typeof instance}.`);
  }
  const ctor = instance.constructor;
  if (typeof ctor !== 'function' || readToolsetOptions(ctor) === undefined) {
    throw new ToolConfigurationError(
      `${typeof ctor === 'function' && ctor !== Object ? `An instance of ${ctor.name}` : 'This object'} is not a toolset: add @Toolset() to its class.`,
    );
  }
  let tools = instanceCache.get(instance);
  if (!tools) {
    tools = readToolsetPlan(ctor).map((plan): Tool => {
      const method: unknown = (instance as Record<string | symbol, unknown>)[plan.method];
      if (typeof method !== 'function') throw new ToolConfigurationError(`${plan.owner} is not a method of this instance.`);
      return {
        schema: { type: 'function', function: { ...plan.schema.function } },
        invoke: createValidatedInvoker({ toolName: plan.name, input: plan.input, method: method as (args: unknown, context: ToolContext<any>) => unknown, instance }),
        timeout: plan.timeout,
        needsApproval: plan.needsApproval,
        owner: plan.owner,
      };
    });
    instanceCache.set(instance, tools);
  }
  return [...tools];
}

/**
 * Returns the tools of a `@Toolset` instance, or `undefined` when the object is not one (the engine
 * then reports that the entry is not a tool).
 *
 * @throws {ToolConfigurationError} when the class has `@Tool` methods but no `@Toolset`, or a tool
 *   cannot be built.
 */
export function toolsFromToolsetIfDecorated<C>(instance: unknown): Tool<C>[] | undefined {
  if (typeof instance !== 'object' || instance === null) return undefined;
  const ctor = instance.constructor;
  if (typeof ctor !== 'function') return undefined;
  if (readToolsetOptions(ctor) === undefined) {
    if (readToolRecords(ctor).length > 0) {
      throw new ToolConfigurationError(`${ctor.name} has @Tool methods but no @Toolset decorator: add @Toolset() to the class.`);
    }
    return undefined;
  }
  return toolsFromToolset<C>(instance);
}

/** True for an instance of a `@Toolset` class. */
export function isToolsetInstance(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const ctor = value.constructor;
  return typeof ctor === 'function' && readToolsetOptions(ctor) !== undefined;
}
