import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { ToolConfigurationError } from '../tools/errors.js';
import { collectTools, type ToolEntry, type ToolInvokers } from '../tools/merge.js';
import { isFunctionToolSchema, isTool, isToolSource, TOOL_SOURCE, type Tool, type ToolSource } from '../tools/tool.js';
import { toolsFromToolsetIfDecorated } from '../tools/toolset-reader.js';

/**
 * All tools of an agent as one tool source: toolsets (`@Toolset` instances, MCP toolsets), tool objects
 * and raw schemas (with their `toolInvokers`). Unlike the function API, where a later tool of the same
 * name replaces an earlier one, two tools with one name are an error naming both owners: checked at
 * construction for everything known then, and again before each request for sources whose tool list
 * can change (MCP).
 */
export class AgentTools<C> implements ToolSource<C> {
  constructor(
    private readonly entries: readonly ToolEntry<C>[],
    private readonly toolInvokers: ToolInvokers<C>,
  ) {
    this.checkKnownNow();
  }

  async [TOOL_SOURCE](): Promise<Tool<C>[]> {
    const tools: Tool<C>[] = [];
    for (let i = 0; i < this.entries.length; i++) {
      for (const item of await collectTools([this.entries[i]!])) tools.push(this.asTool(item, i));
    }
    return withUniqueNames(tools);
  }

  /** Checks the entries whose tools are known synchronously (everything but async tool sources). */
  private checkKnownNow(): void {
    const tools: Tool<C>[] = [];
    this.entries.forEach((entry, i) => {
      for (const item of syncToolsOf(entry, i)) tools.push(this.asTool(item, i));
    });
    withUniqueNames(tools);
  }

  private asTool(item: Tool<C> | ChatCompletionTool, index: number): Tool<C> {
    if (isTool(item)) {
      const name = item.schema.function.name;
      const invoke = Object.hasOwn(this.toolInvokers, name) ? this.toolInvokers[name]! : item.invoke;
      return { schema: item.schema, invoke, timeout: item.timeout, owner: item.owner ?? `tools[${index}] (${item.constructor?.name ?? 'tool'} "${name}")` };
    }
    if (!isFunctionToolSchema(item)) {
      throw new ToolConfigurationError(`tools[${index}] is a custom tool schema; an Agent runs function tools only.`);
    }
    const name = item.function.name;
    const invoke = Object.hasOwn(this.toolInvokers, name) ? this.toolInvokers[name] : undefined;
    if (!invoke) {
      throw new ToolConfigurationError(
        `No invoker for tool "${name}" (tools[${index}] is a bare schema): add it to toolInvokers, or pass a Tool object such as FunctionTool.`,
      );
    }
    return { schema: item, invoke, owner: `tools[${index}] (schema "${name}")` };
  }
}

function syncToolsOf<C>(entry: ToolEntry<C>, index: number): (Tool<C> | ChatCompletionTool)[] {
  if (isTool(entry) || isFunctionToolSchema(entry)) return [entry as Tool<C> | ChatCompletionTool];
  if (isToolSource(entry)) {
    const listed = entry[TOOL_SOURCE]();
    if (Array.isArray(listed)) return [...listed];
    // An async source is checked before each request instead; a failure here must not go unhandled.
    Promise.resolve(listed).catch(() => {});
    return [];
  }
  const fromToolset = toolsFromToolsetIfDecorated<C>(entry);
  if (fromToolset) return fromToolset;
  throw new ToolConfigurationError(
    `Entry ${index} of the agent's toolsets/tools is not a tool: pass @Toolset instances, MCP toolsets, Tool objects or { type: 'function', function } schemas.`,
  );
}

function withUniqueNames<C>(tools: Tool<C>[]): Tool<C>[] {
  const owners = new Map<string, string>();
  for (const tool of tools) {
    const name = tool.schema.function.name;
    const first = owners.get(name);
    if (first !== undefined) {
      throw new ToolConfigurationError(
        `Two tools are named "${name}": ${first} and ${tool.owner}. Rename one (@Tool({ name }), a @Toolset prefix, or an MCP label).`,
      );
    }
    owners.set(name, tool.owner ?? name);
  }
  return tools;
}
