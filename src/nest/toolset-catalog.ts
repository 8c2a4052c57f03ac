import { Injectable, type OnModuleInit } from '@nestjs/common';
import { readToolsetOptions } from '../tools/decorators/metadata-reader.js';
import { isToolSource, type Tool } from '../tools/tool.js';
import { isToolsetInstance, toolsFromToolset } from '../tools/toolset-reader.js';
import type { ToolsetSelection } from './chat-agent-options.interface.js';
import { ChatMcpServers, type ConnectedMcpServer } from './chat-mcp-servers.js';
import { ChatToolsModuleError } from './chat-tools-module.error.js';
import { describeValue } from './describe-value.js';
import { ToolsetDiscovery, type DiscoveredToolset } from './toolset-discovery.js';

interface Contents {
  readonly discovered: readonly DiscoveredToolset[];
  readonly mcp: readonly ConnectedMcpServer[];
}

/**
 * Every toolset agents can choose from: the discovered `@Toolset` providers and the module's MCP
 * servers, known once the module has initialized. Agents created earlier are resolved then.
 */
@Injectable()
export class ToolsetCatalog implements OnModuleInit {
  private contents: Contents | undefined;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly discovery: ToolsetDiscovery,
    private readonly mcpServers: ChatMcpServers,
  ) {}

  async onModuleInit(): Promise<void> {
    const mcp = await this.mcpServers.connect();
    try {
      this.contents = { discovered: this.discovery.discover(), mcp };
      for (const resolve of this.waiting.splice(0)) resolve();
    } catch (error) {
      await this.mcpServers.close();
      throw error;
    }
  }

  /** True once toolsets are discovered and MCP servers connected. */
  get ready(): boolean {
    return this.contents !== undefined;
  }

  /** Calls `resolve` now when ready, else when the module initializes (its errors then fail the initialization). */
  whenReady(resolve: () => void): void {
    if (this.contents) resolve();
    else this.waiting.push(resolve);
  }

  /**
   * The toolsets a selection names, without duplicates, in selection order (everything when it names nothing).
   *
   * @throws {ChatToolsModuleError} for a class that is not a discovered provider, a tag or MCP server name nothing has, or an object that is no toolset.
   */
  select(selection: ToolsetSelection, agent: string): object[] {
    const { discovered, mcp } = this.contentsFor(agent);
    if (selection.toolsets === undefined && selection.tags === undefined && selection.mcpServers === undefined) {
      return [...discovered.map((toolset) => toolset.instance), ...mcp.map((server) => server.toolset)];
    }
    const chosen = new Set<object>();
    for (const [i, entry] of (selection.toolsets ?? []).entries()) chosen.add(this.toolsetFor(entry, i, agent));
    for (const tag of selection.tags ?? []) {
      const tagged = [...discovered.filter((toolset) => toolset.tags.includes(tag)).map((toolset) => toolset.instance), ...mcp.filter((server) => server.tags.includes(tag)).map((server) => server.toolset)];
      if (tagged.length === 0) {
        throw new ChatToolsModuleError(`${agent} asks for tag "${tag}", but no @Toolset provider or MCP server has it. Tags in use: ${this.tagsInUse() || '(none)'}.`);
      }
      tagged.forEach((toolset) => chosen.add(toolset));
    }
    for (const name of selection.mcpServers ?? []) chosen.add(this.mcpServerNamed(name, agent).toolset);
    return [...chosen];
  }

  /**
   * The tools an entry offers right now, to check names before any run; `undefined` for a tool
   * source the module does not know (its tools are checked before each model request instead).
   */
  toolsNow(entry: object): readonly Tool[] | undefined {
    if (isToolsetInstance(entry)) return toolsFromToolset(entry);
    return this.contents?.mcp.find((server) => server.toolset === entry)?.toolset.tools;
  }

  /** The error for an agent run before the module initialized. */
  notReadyError(agent: string): ChatToolsModuleError {
    return new ChatToolsModuleError(
      `${agent} ran before ChatToolsModule initialized: toolsets are discovered in onModuleInit. ` +
        'Run agents after app.init() / app.listen() (in request handlers or onApplicationBootstrap), not in constructors or onModuleInit.',
    );
  }

  private contentsFor(agent: string): Contents {
    if (!this.contents) throw this.notReadyError(agent);
    return this.contents;
  }

  private toolsetFor(entry: unknown, index: number, agent: string): object {
    if (typeof entry === 'function') {
      const match = this.contents!.discovered.find((toolset) => toolset.type === entry);
      if (match) return match.instance;
      if (readToolsetOptions(entry) === undefined) {
        throw new ChatToolsModuleError(`${agent}: toolsets[${index}] is ${describeValue(entry)}, which is not a @Toolset class. Add @Toolset() to it or pass a toolset object.`);
      }
      throw new ChatToolsModuleError(
        `${agent}: toolsets[${index}] is ${entry.name}, but no module provides it. Add it to the providers of a module (with @Injectable()). ` +
          `Discovered toolsets: ${this.contents!.discovered.map((toolset) => toolset.type.name).join(', ') || '(none)'}.`,
      );
    }
    if (typeof entry === 'object' && entry !== null && (isToolsetInstance(entry) || isToolSource(entry))) return entry;
    throw new ChatToolsModuleError(
      `${agent}: toolsets[${index}] is ${describeValue(entry)}: pass @Toolset classes (provided by a module), @Toolset instances or MCP toolsets.`,
    );
  }

  private mcpServerNamed(name: string, agent: string): ConnectedMcpServer {
    const matches = this.contents!.mcp.filter((server) => server.toolset.name === name);
    if (matches.length === 1) return matches[0]!;
    const names = this.contents!.mcp.map((server) => `"${server.toolset.name}"`).join(', ') || '(none)';
    if (matches.length === 0) throw new ChatToolsModuleError(`${agent} asks for MCP server "${name}", which the module does not have. Its MCP servers: ${names}.`);
    throw new ChatToolsModuleError(`${agent} asks for MCP server "${name}", but ${matches.length} servers have that name: give each a distinct \`label\` in mcpServers.`);
  }

  private tagsInUse(): string {
    const tags = new Set([...this.contents!.discovered.flatMap((toolset) => toolset.tags), ...this.contents!.mcp.flatMap((server) => server.tags)]);
    return [...tags].map((tag) => `"${tag}"`).join(', ');
  }
}
