import type { ToolContext } from '../../tools/decorators/tool-context.js';
import { readToolsetPlan, type ToolPlan } from '../../tools/decorators/toolset-plan.js';
import { isToolsetInstance } from '../../tools/toolset-reader.js';
import type { ValidatedInvokerSpec } from '../../tools/validation/validated-invoker.js';
import { McpConfigurationError } from '../errors.js';

/** One `@Tool` method as an MCP server offers it. */
export interface ServedTool {
  readonly plan: ToolPlan;
  /** What the shared call path (`callToolMethod`) needs: the DTO, the method and its instance. */
  readonly spec: ValidatedInvokerSpec;
}

/**
 * The tools of the given `@Toolset` instances by name, in order.
 *
 * @throws {McpConfigurationError} when `toolsets` is not an array of `@Toolset` instances (a class
 *   instead of an instance is named as such), or two tools share a name (naming both methods).
 * @throws {ToolConfigurationError} when a toolset's tools cannot be built.
 */
export function servedTools(toolsets: unknown, where: string): ReadonlyMap<string, ServedTool> {
  if (!Array.isArray(toolsets)) {
    throw new McpConfigurationError(`${where}: \`toolsets\` must be an array of @Toolset instances, got ${describe(toolsets)}.`);
  }
  const tools = new Map<string, ServedTool>();
  toolsets.forEach((toolset: unknown, index) => {
    if (!isToolsetInstance(toolset)) throw new McpConfigurationError(`${where}: toolsets[${index}] ${notAToolset(toolset)}`);
    for (const plan of readToolsetPlan(toolset.constructor)) {
      const first = tools.get(plan.name);
      if (first) {
        throw new McpConfigurationError(`${where}: ${first.plan.owner} and ${plan.owner} are both tool "${plan.name}": give one another name with @Tool({ name }) or its toolset a prefix.`);
      }
      const method = (toolset as Record<string | symbol, unknown>)[plan.method] as (args: unknown, context: ToolContext<any>) => unknown;
      tools.set(plan.name, { plan, spec: { toolName: plan.name, input: plan.input, method, instance: toolset } });
    }
  });
  return tools;
}

function notAToolset(value: unknown): string {
  if (typeof value === 'function' && isToolsetInstance(Object.create(value.prototype as object))) {
    return `is the class ${value.name}: pass an instance (new ${value.name}(...)), so its methods run with their dependencies.`;
  }
  return `is ${describe(value)}, not an instance of a @Toolset class.`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
