import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { ToolConfigurationError } from '../errors.js';
import { withTimeout } from '../timeout.js';
import { isTool, type Tool, type ToolInvoker } from '../tool.js';
import { isToolsetInstance, toolsFromToolset } from '../toolset-reader.js';

/** Tool definitions and their invokers, as the function API takes them. */
export interface ToolsAndInvokers<C = any> {
  /** For the request's `tools` (or `params.tools`). */
  tools: ChatCompletionFunctionTool[];
  /** One invoker per tool name, timeouts applied. */
  toolInvokers: Record<string, ToolInvoker<C>>;
}

/**
 * Splits `@Toolset` instances and `Tool` objects into the `{ tools, toolInvokers }` pair of the
 * function API (the seed's style), e.g. to hand the schemas to another client.
 *
 * @example
 * ```ts
 * const { tools, toolInvokers } = buildToolsAndInvokers(new WeatherTools(api), new OrderTools(db));
 * await streamUntilUserInput({ client, model, messages, params: { tools }, toolInvokers });
 * ```
 *
 * @throws {ToolConfigurationError} when an entry is neither, or two tools share a name (naming both owners).
 */
export function buildToolsAndInvokers<C = any>(...entries: (object | Tool<C>)[]): ToolsAndInvokers<C> {
  const tools: ChatCompletionFunctionTool[] = [];
  const toolInvokers: Record<string, ToolInvoker<C>> = Object.create(null);
  const owners = new Map<string, string>();
  entries.forEach((entry, index) => {
    const entryTools: Tool<C>[] = isTool(entry) ? [entry as Tool<C>] : toolsOfToolset<C>(entry, index);
    for (const tool of entryTools) {
      const name = tool.schema.function.name;
      const owner = tool.owner ?? `entries[${index}] (tool "${name}")`;
      const first = owners.get(name);
      if (first !== undefined) {
        throw new ToolConfigurationError(`Two tools are named "${name}": ${first} and ${owner}. Rename one (@Tool({ name }) or a @Toolset prefix).`);
      }
      owners.set(name, owner);
      tools.push(tool.schema);
      toolInvokers[name] = tool.timeout ? withTimeout(tool.invoke, tool.timeout, name) : tool.invoke;
    }
  });
  return { tools, toolInvokers };
}

function toolsOfToolset<C>(entry: unknown, index: number): Tool<C>[] {
  if (!isToolsetInstance(entry)) {
    throw new ToolConfigurationError(
      `entries[${index}] is ${describeEntry(entry)}, which is neither a Tool object nor an instance of a @Toolset class. ` +
        'MCP toolsets list their tools asynchronously: pass those in `tools` or to an Agent instead.',
    );
  }
  return toolsFromToolset<C>(entry);
}

function describeEntry(entry: unknown): string {
  if (entry === null) return 'null';
  if (typeof entry !== 'object') return typeof entry;
  const ctor = (entry as object).constructor;
  return typeof ctor === 'function' && ctor !== Object ? `an instance of ${ctor.name}` : 'a plain object';
}
