import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { ToolCatalog, type MergedTools, type ToolEntry, type ToolInvokers } from './catalog.js';

export type { MergedTools, ToolEntry, ToolInvokers } from './catalog.js';

/** Input of {@link mergeToolsAndInvokers}. */
export interface MergeToolsInput<C = any> {
  /** Tool definitions already in the request params (`params.tools`); they come first. */
  paramsTools?: readonly ChatCompletionTool[] | undefined;
  /** Tool objects, raw schemas, `@Toolset` instances and tool sources (e.g. MCP toolsets). */
  tools?: readonly ToolEntry<C>[] | undefined;
  /** Explicit invokers by name; they override the invoker of a tool object of the same name. */
  toolInvokers?: ToolInvokers<C> | undefined;
  /** When set, a schema without an invoker is allowed: this resolves names at call time. */
  hasFallbackInvoker?: boolean;
}

/**
 * Merges the ways tools can be given into one list of schemas and one invoker per name:
 * `params.tools` first, then `tools` in order; a later schema with the same name replaces the
 * earlier one (keeping its position); `toolInvokers` override the invoker of a tool object.
 * Two tool objects (schema and invoker together, e.g. from two toolsets) with one name are an error
 * naming both owners: silently dropping one would call the wrong code.
 *
 * @throws {ToolConfigurationError} when a schema has no invoker (unless a fallback invoker is
 *   configured), two tool objects share a name, or an entry is not a tool.
 */
export async function mergeToolsAndInvokers<C = any>(input: MergeToolsInput<C>): Promise<MergedTools<C>> {
  return new ToolCatalog<C>({
    paramsTools: input.paramsTools,
    entries: input.tools,
    toolInvokers: input.toolInvokers,
    hasFallbackInvoker: input.hasFallbackInvoker,
  }).resolve();
}
