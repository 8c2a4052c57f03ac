import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { ToolConfigurationError } from './errors.js';
import { withTimeout } from './timeout.js';
import { isFunctionToolSchema, isTool, isToolSource, TOOL_SOURCE, TOOL_SOURCE_DYNAMIC, type NeedsApproval, type Tool, type ToolInvoker, type ToolSource } from './tool.js';
import { toolsFromToolsetIfDecorated } from './toolset-reader.js';

/** Anything accepted in the `tools` option: tool objects, raw schemas, toolset instances, tool sources. */
export type ToolEntry<C = any> = Tool<C> | ChatCompletionTool | ToolSource<C> | object;

/** Invokers by tool name, as in the seed's `tool_invokers`. */
export type ToolInvokers<C = any> = Readonly<Record<string, ToolInvoker<C>>>;

/** The merged tools of one request: schemas for the request and one invoker per name. */
export interface MergedTools<C = any> {
  /** Tool definitions for the request's `tools`, params' tools first, later definitions of a name replacing earlier ones. */
  tools: ChatCompletionTool[];
  /** One invoker per tool name (tool timeouts already applied). */
  toolInvokers: Record<string, ToolInvoker<C>>;
  /** `needsApproval` of each tool that has one, by name. */
  needsApproval?: Record<string, NeedsApproval<C>>;
}

/** What one `tools` entry is; decided by {@link classifyToolEntry} and nowhere else. */
export type ClassifiedEntry<C> =
  /** A schema and its invoker (`FunctionTool`, a `@Tool` method, an MCP tool). */
  | { readonly kind: 'tool'; readonly tool: Tool<C> }
  /** A bare Chat Completions tool definition; its invoker comes from `toolInvokers` or the fallback. */
  | { readonly kind: 'schema'; readonly schema: ChatCompletionTool }
  /** An instance of a `@Toolset` class: its tools never change. */
  | { readonly kind: 'toolset'; readonly tools: readonly Tool<C>[] }
  /** A tool source (MCP toolset, registry): asked for its tools before every request unless it says they never change. */
  | { readonly kind: 'source'; readonly source: ToolSource<C>; readonly changes: boolean };

/**
 * Says what a `tools` entry is.
 *
 * @param where - names the entry in the error, e.g. `tools[2]`.
 * @throws {ToolConfigurationError} when it is none of them (or a class has `@Tool` methods without `@Toolset`).
 */
export function classifyToolEntry<C>(entry: unknown, where: string): ClassifiedEntry<C> {
  if (isTool(entry)) return { kind: 'tool', tool: entry as Tool<C> };
  if (isChatCompletionTool(entry)) return { kind: 'schema', schema: entry };
  if (isToolSource(entry)) return { kind: 'source', source: entry as ToolSource<C>, changes: (entry as ToolSource<C>)[TOOL_SOURCE_DYNAMIC] !== false };
  const tools = toolsFromToolsetIfDecorated<C>(entry);
  if (tools) return { kind: 'toolset', tools };
  throw new ToolConfigurationError(
    `${where} is ${describeEntry(entry)}, which is not a tool. Pass a Tool object (FunctionTool, toolsFromToolset(...)), ` +
      `a { type: 'function', function: { name, ... } } schema, an instance of a @Toolset class, or an MCP toolset.`,
  );
}

/** The error for two tools with one name; the one rule, one message, wherever tools are merged. */
export function duplicateToolError(name: string, first: string, second: string): ToolConfigurationError {
  return new ToolConfigurationError(
    `Two tools are named "${name}": ${first} and ${second}. Rename one (@Tool({ name }), a @Toolset prefix, or an MCP label).`,
  );
}

/** Options of {@link ToolCatalog}. */
export interface ToolCatalogOptions<C> {
  /** Tool definitions already in the request params (`params.tools`); they come first. */
  readonly paramsTools?: readonly ChatCompletionTool[] | undefined;
  /** Tool objects, raw schemas, `@Toolset` instances and tool sources. */
  readonly entries?: readonly ToolEntry<C>[] | undefined;
  /** Explicit invokers by name; they override the invoker of a tool object of the same name. */
  readonly toolInvokers?: ToolInvokers<C> | undefined;
  /** When set, a schema without an invoker is allowed: the fallback resolves names at call time. */
  readonly hasFallbackInvoker?: boolean | undefined;
  /**
   * `'definitions'` (the function API, the seed's rule): a bare schema is a definition that a later
   * one of the same name replaces. `'bound'` (an Agent): each bare schema is bound to its
   * `toolInvokers` entry when the catalog is built and then owned like a tool object.
   * @defaultValue `'definitions'`
   */
  readonly schemas?: 'definitions' | 'bound';
  /** Names entries in error messages: `tools` gives `tools[2]`. @defaultValue `'tools'` */
  readonly label?: string;
}

interface Named<C> {
  readonly schema: ChatCompletionTool;
  readonly invoke?: ToolInvoker<C> | undefined;
  /** Set for tools that carry their own invoker: two of them may not share a name. */
  readonly owner?: string | undefined;
  readonly needsApproval?: NeedsApproval<C> | undefined;
}

type Part<C> =
  | { readonly named: readonly Named<C>[] }
  | { readonly source: ToolSource<C>; readonly where: string; readonly listedNow: readonly Named<C>[] };

/**
 * Every tool a run offers, merged by one rule: tools that carry their own invoker (tool objects,
 * `@Toolset` methods, MCP tools) are owned, and two owned tools with one name are an error naming
 * both owners; a bare schema is a definition that a later definition of its name replaces (keeping
 * its position), `params.tools` first; `toolInvokers` override the invoker of a name.
 *
 * Static entries are classified and merged once, when the catalog is built; only tool sources whose
 * tools may change are asked again, before each request ({@link ToolCatalog.dynamic}).
 */
export class ToolCatalog<C = any> implements ToolSource<C> {
  /** True when some source's tools may change between requests, so {@link resolve} merges anew each time. */
  readonly dynamic: boolean;
  private readonly parts: readonly Part<C>[];
  private readonly toolInvokers: ToolInvokers<C>;
  private readonly fixed: readonly Named<C>[] | undefined;
  private fixedTools: Tool<C>[] | undefined;
  private fixedMerged: MergedTools<C> | undefined;

  /** @throws {ToolConfigurationError} for an entry that is not a tool, and for what is wrong with the tools known now. */
  constructor(private readonly options: ToolCatalogOptions<C>) {
    this.toolInvokers = checkedInvokers(options.toolInvokers);
    const label = options.label ?? 'tools';
    const parts: Part<C>[] = [{ named: (options.paramsTools ?? []).map((schema) => ({ schema })) }];
    (options.entries ?? []).forEach((entry, index) => {
      const where = `${label}[${index}]`;
      const classified = classifyToolEntry<C>(entry, where);
      if (classified.kind === 'schema') parts.push({ named: [this.fromSchema(classified.schema, where)] });
      else if (classified.kind === 'tool') parts.push({ named: [this.fromTool(classified.tool, where)] });
      else if (classified.kind === 'toolset') parts.push({ named: classified.tools.map((tool) => this.fromTool(tool, where)) });
      else {
        const listed = classified.source[TOOL_SOURCE]();
        const named = Array.isArray(listed) ? listed.map((tool) => this.fromTool(tool, where)) : undefined;
        // A failure listing an async source now must not go unhandled: it is asked again before each request.
        if (!named) Promise.resolve(listed).catch(() => {});
        if (named && !classified.changes) parts.push({ named });
        else parts.push({ source: classified.source, where, listedNow: named ?? [] });
      }
    });
    this.parts = parts;
    this.dynamic = parts.some((part) => 'source' in part);
    // Everything known now is checked now: static entries and what synchronous sources list at the moment.
    const known = this.merge(parts.flatMap((part) => ('named' in part ? part.named : part.listedNow)));
    if (!this.dynamic) {
      this.checkComplete(known);
      this.fixed = known;
    }
  }

  /**
   * The tools for the next request: merged once for a static catalog, anew when a source may have
   * changed (sources are listed in parallel).
   *
   * @throws {ToolConfigurationError} when two owned tools share a name or a schema has no invoker.
   */
  async resolve(): Promise<MergedTools<C>> {
    if (this.fixed) return (this.fixedMerged ??= this.asMergedTools(this.fixed));
    return this.asMergedTools(await this.resolveNamed());
  }

  /**
   * As a tool source (a catalog may be an entry of another catalog): its tools, owners kept;
   * synchronously for a static catalog, so an enclosing catalog merges them once.
   */
  [TOOL_SOURCE](): Tool<C>[] | Promise<Tool<C>[]> {
    if (this.fixed) return (this.fixedTools ??= this.asTools(this.fixed));
    return this.resolveNamed().then((named) => this.asTools(named));
  }

  /** Tells an enclosing catalog whether these tools may change. */
  get [TOOL_SOURCE_DYNAMIC](): boolean {
    return this.dynamic;
  }

  private async resolveNamed(): Promise<readonly Named<C>[]> {
    if (this.fixed) return this.fixed;
    const lists = await Promise.all(
      this.parts.map(async (part) => ('named' in part ? part.named : (await part.source[TOOL_SOURCE]()).map((tool) => this.fromTool(tool, part.where)))),
    );
    const merged = this.merge(lists.flat());
    this.checkComplete(merged);
    return merged;
  }

  private fromTool(tool: Tool<C>, where: string): Named<C> {
    const name = tool.schema.function.name;
    const ctor = tool.constructor?.name && tool.constructor !== Object ? tool.constructor.name : 'tool';
    return {
      schema: tool.schema,
      invoke: tool.timeout ? withTimeout(tool.invoke, tool.timeout, name) : tool.invoke,
      owner: tool.owner ?? `${where} (${ctor} "${name}")`,
      needsApproval: tool.needsApproval,
    };
  }

  private fromSchema(schema: ChatCompletionTool, where: string): Named<C> {
    if ((this.options.schemas ?? 'definitions') === 'definitions') return { schema };
    if (!isFunctionToolSchema(schema)) throw new ToolConfigurationError(`${where} is a custom tool schema; an Agent runs function tools only.`);
    const name = schema.function.name;
    if (!Object.hasOwn(this.toolInvokers, name)) {
      throw new ToolConfigurationError(
        `No invoker for tool "${name}" (${where} is a bare schema): add it to toolInvokers, or pass a Tool object such as FunctionTool.`,
      );
    }
    return { schema, owner: `${where} (schema "${name}")` };
  }

  /** The one merge rule (see the class): owned names unique, later definitions replace earlier ones in place. */
  private merge(named: readonly Named<C>[]): Named<C>[] {
    const byName = new Map<string, Named<C>>();
    const owners = new Map<string, string>();
    for (const item of named) {
      const name = toolName(item.schema);
      if (item.owner !== undefined) {
        const first = owners.get(name);
        if (first !== undefined) throw duplicateToolError(name, first, item.owner);
        owners.set(name, item.owner);
      }
      const earlier = byName.get(name);
      // A definition without an invoker replaces the schema of an earlier tool but keeps its invoker and owner.
      byName.set(name, earlier && !item.invoke ? { ...earlier, schema: item.schema } : item);
    }
    return [...byName.values()];
  }

  private invokerOf(item: Named<C>): ToolInvoker<C> | undefined {
    const name = toolName(item.schema);
    return Object.hasOwn(this.toolInvokers, name) ? this.toolInvokers[name] : item.invoke;
  }

  private checkComplete(named: readonly Named<C>[]): void {
    if (this.options.hasFallbackInvoker) return;
    const missing = named.filter((item) => !this.invokerOf(item)).map((item) => toolName(item.schema));
    if (missing.length > 0) {
      throw new ToolConfigurationError(
        `No invoker for tool${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')}: ` +
          'add it to toolInvokers, pass a Tool object (e.g. FunctionTool) instead of a bare schema, or set fallbackInvoker.',
      );
    }
  }

  private asTools(named: readonly Named<C>[]): Tool<C>[] {
    return named.flatMap((item) => {
      const invoke = this.invokerOf(item);
      return isFunctionToolSchema(item.schema) && invoke ? [{ schema: item.schema, invoke, owner: item.owner, needsApproval: item.needsApproval }] : [];
    });
  }

  private asMergedTools(named: readonly Named<C>[]): MergedTools<C> {
    const toolInvokers: Record<string, ToolInvoker<C>> = Object.create(null);
    for (const item of named) {
      const invoke = this.invokerOf(item);
      if (invoke) toolInvokers[toolName(item.schema)] = invoke;
    }
    for (const [name, invoker] of Object.entries(this.toolInvokers)) toolInvokers[name] ??= invoker;
    const needsApproval: Record<string, NeedsApproval<C>> = Object.create(null);
    for (const item of named) if (item.needsApproval !== undefined) needsApproval[toolName(item.schema)] = item.needsApproval;
    return { tools: named.map((item) => item.schema), toolInvokers, needsApproval };
  }
}

function checkedInvokers<C>(toolInvokers: ToolInvokers<C> | undefined): ToolInvokers<C> {
  for (const [name, invoker] of Object.entries(toolInvokers ?? {})) {
    if (typeof invoker !== 'function') {
      throw new ToolConfigurationError(`toolInvokers["${name}"] is ${typeof invoker}, expected a function (toolCall, context, options) => string | ToolResult.`);
    }
  }
  return toolInvokers ?? {};
}

/** The name a tool definition is called by. */
export function toolName(schema: ChatCompletionTool): string {
  return schema.type === 'function' ? schema.function.name : schema.custom.name;
}

function isChatCompletionTool(value: unknown): value is ChatCompletionTool {
  if (isFunctionToolSchema(value)) return true;
  const candidate = value as { type?: unknown; custom?: { name?: unknown } } | null;
  return typeof candidate === 'object' && candidate !== null && candidate.type === 'custom' && typeof candidate.custom?.name === 'string';
}

/** `null`, `number`, `an instance of Foo`, `a plain object`: what an entry is, for error messages. */
export function describeEntry(entry: unknown): string {
  if (entry === null) return 'null';
  if (typeof entry !== 'object') return typeof entry;
  const ctor = (entry as object).constructor;
  return typeof ctor === 'function' && ctor !== Object ? `an instance of ${ctor.name}` : 'a plain object';
}

