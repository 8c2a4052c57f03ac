import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { ToolConfigurationError } from './errors.js';
import { isFunctionToolSchema, isTool, isToolSource, TOOL_SOURCE, type Tool, type ToolInvoker, type ToolSource } from './tool.js';
import { withTimeout } from './timeout.js';
import { toolsFromToolsetIfDecorated } from './toolset-reader.js';

/** Anything accepted in the `tools` option: tool objects, raw schemas, toolset instances, tool sources. */
export type ToolEntry<C = any> = Tool<C> | ChatCompletionTool | ToolSource<C> | object;

/** Invokers by tool name, as in the seed's `tool_invokers`. */
export type ToolInvokers<C = any> = Readonly<Record<string, ToolInvoker<C>>>;

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

/** The merged result: schemas for the request and one invoker per name. */
export interface MergedTools<C = any> {
  /** Tool definitions for the request's `tools`, params' tools first, later definitions of a name replacing earlier ones. */
  tools: ChatCompletionTool[];
  /** One invoker per tool name (tool timeouts already applied). */
  toolInvokers: Record<string, ToolInvoker<C>>;
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
  const tools = await collectTools(input.tools ?? []);
  return mergeCollected(input, tools);
}

/** One entry of {@link collectTools}: either a full tool or a bare schema that needs an invoker. */
export type CollectedTool<C = any> = Tool<C> | ChatCompletionTool;

/**
 * Expands `tools` entries into tool objects and bare schemas, asking toolset instances and tool
 * sources for their current tools.
 */
export async function collectTools<C>(entries: readonly ToolEntry<C>[]): Promise<CollectedTool<C>[]> {
  const collected: CollectedTool<C>[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (isTool(entry) || isChatCompletionTool(entry)) {
      collected.push(entry);
    } else if (isToolSource(entry)) {
      collected.push(...(await entry[TOOL_SOURCE]()));
    } else {
      const fromToolset = toolsFromToolsetIfDecorated<C>(entry);
      if (!fromToolset) throw notATool(entry, i);
      collected.push(...fromToolset);
    }
  }
  return collected;
}

/** True when any entry's tool list can change between iterations (tool sources). */
export function hasDynamicTools(entries: readonly ToolEntry[] | undefined): boolean {
  return entries?.some((entry) => isToolSource(entry)) ?? false;
}

/** Synchronous half of {@link mergeToolsAndInvokers}, for already collected tools. */
export function mergeCollected<C>(input: MergeToolsInput<C>, collected: readonly CollectedTool<C>[]): MergedTools<C> {
  const schemas = new Map<string, ChatCompletionTool>();
  const toolInvokers: Record<string, ToolInvoker<C>> = Object.create(null);
  const add = (schema: ChatCompletionTool) => schemas.set(toolName(schema), schema);

  for (const schema of input.paramsTools ?? []) add(schema);
  const toolOwners = new Map<string, string>();
  for (const entry of collected) {
    if (isTool(entry)) {
      const name = entry.schema.function.name;
      const owner = entry.owner ?? `a ${entry.constructor?.name ?? 'tool'} object`;
      const earlier = toolOwners.get(name);
      if (earlier !== undefined) {
        throw new ToolConfigurationError(
          `Two tools are named "${name}": ${earlier} and ${owner}. Rename one (@Tool({ name }), a @Toolset prefix, or an MCP label).`,
        );
      }
      toolOwners.set(name, owner);
      add(entry.schema);
      toolInvokers[entry.schema.function.name] = entry.timeout ? withTimeout(entry.invoke, entry.timeout, entry.schema.function.name) : entry.invoke;
    } else {
      add(entry as ChatCompletionTool);
    }
  }
  for (const [name, invoker] of Object.entries(input.toolInvokers ?? {})) {
    if (typeof invoker !== 'function') {
      throw new ToolConfigurationError(`toolInvokers["${name}"] is ${typeof invoker}, expected a function (toolCall, context, options) => string | ToolResult.`);
    }
    toolInvokers[name] = invoker;
  }
  if (!input.hasFallbackInvoker) {
    const missing = [...schemas.keys()].filter((name) => !(name in toolInvokers));
    if (missing.length > 0) {
      throw new ToolConfigurationError(
        `No invoker for tool${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')}: ` +
          'add it to toolInvokers, pass a Tool object (e.g. FunctionTool) instead of a bare schema, or set fallbackInvoker.',
      );
    }
  }
  return { tools: [...schemas.values()], toolInvokers };
}

function toolName(schema: ChatCompletionTool): string {
  return schema.type === 'function' ? schema.function.name : schema.custom.name;
}

function isChatCompletionTool(value: unknown): value is ChatCompletionTool {
  if (isFunctionToolSchema(value)) return true;
  const candidate = value as { type?: unknown; custom?: { name?: unknown } } | null;
  return typeof candidate === 'object' && candidate !== null && candidate.type === 'custom' && typeof candidate.custom?.name === 'string';
}

function notATool(entry: unknown, index: number): ToolConfigurationError {
  const what =
    entry === null ? 'null' : typeof entry === 'object' ? `an instance of ${(entry as object).constructor?.name ?? 'Object'}` : typeof entry;
  return new ToolConfigurationError(
    `tools[${index}] is ${what}, which is not a tool. Pass a Tool object (FunctionTool, toolsFromToolset(...)), ` +
      `a { type: 'function', function: { name, ... } } schema, an instance of a @Toolset class, or an MCP toolset.`,
  );
}
