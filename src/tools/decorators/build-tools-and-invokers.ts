import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { describeEntry, ToolCatalog } from '../catalog.js';
import { ToolConfigurationError } from '../errors.js';
import { isTool, TOOL_SOURCE, type Tool, type ToolInvoker } from '../tool.js';
import { isToolsetInstance } from '../toolset-reader.js';

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
  entries.forEach((entry, index) => {
    if (!isTool(entry) && !isToolsetInstance(entry)) {
      throw new ToolConfigurationError(
        `entries[${index}] is ${describeEntry(entry)}, which is neither a Tool object nor an instance of a @Toolset class. ` +
          'MCP toolsets list their tools asynchronously: pass those in `tools` or to an Agent instead.',
      );
    }
  });
  const catalog = new ToolCatalog<C>({ entries, label: 'entries' });
  // Static entries only, so the catalog's tools are known now.
  const tools = catalog[TOOL_SOURCE]() as Tool<C>[];
  return {
    tools: tools.map((tool) => tool.schema),
    toolInvokers: Object.assign(Object.create(null), Object.fromEntries(tools.map((tool) => [tool.schema.function.name, tool.invoke]))),
  };
}
