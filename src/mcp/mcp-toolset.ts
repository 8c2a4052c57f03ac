import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Implementation, Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import { TOOL_SOURCE, type ToolSource } from '../tools/tool.js';
import { resolveConfig, type McpServerConfig, type ResolvedConfig } from './config.js';
import { BorrowedConnection, OwnedConnection, type ConnectionEvents, type McpConnection } from './connection.js';
import { isConnectionFailure, McpConfigurationError, McpConnectionError } from './errors.js';
import { createMcpTool, type McpTool } from './mcp-tool.js';
import { describeFailure } from './open-client.js';
import { describeCommand, stdioOpener } from './stdio-server.js';
import { assertUniqueToolNames, exposedToolName } from './tool-names.js';
import { urlOpener } from './url-server.js';

/** `Symbol.asyncDispose`, or its registered stand-in on runtimes that do not define it yet. */
export const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * An MCP server's tools as a toolset: put it in `tools` of `streamUntilUserInput` (or in an
 * `Agent`'s `toolsets`) and the model can call them.
 *
 * The tool list is fetched on connect and cached; when the server announces
 * `notifications/tools/list_changed` the cache is marked stale and refetched before the next model
 * request of a run. A connection this toolset opened that is lost (crashed process, restarted
 * HTTP server) is reopened once at the next call; a `{ client }` you passed is never reconnected
 * and never closed.
 *
 * @example
 * ```ts
 * await using fs = await McpToolset.connect({
 *   command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'], label: 'fs',
 * });
 * const result = await streamUntilUserInput({ client, model, messages, tools: [fs], context: { userId } });
 * ```
 */
export class McpToolset<C = any> implements ToolSource<C> {
  private current: McpTool<C>[] = [];
  private listed: McpToolDefinition[] = [];
  private serverToolNames: string[] = [];
  private changes = 0;
  private listedAtChange = -1;
  private refreshing: Promise<McpTool<C>[]> | undefined;
  private connection!: McpConnection;

  private constructor(private readonly config: ResolvedConfig) {}

  /**
   * Connects to the server and lists its tools.
   *
   * @throws {McpConfigurationError} for a malformed config or a `filter` naming a tool the server does not have.
   * @throws {McpConnectionError} when the server cannot be reached or started (with the endpoints tried, or the process's stderr).
   * @throws {ToolConfigurationError} when two of its tools end up with the same name.
   */
  static async connect<C = any>(config: McpServerConfig): Promise<McpToolset<C>> {
    const resolved = resolveConfig(config);
    const toolset = new McpToolset<C>(resolved);
    const events: ConnectionEvents = {
      toolsChanged: () => toolset.changes++,
      reconnected: () => toolset.changes++,
    };
    const owner = () => toolset.owner;
    if (resolved.kind === 'client') toolset.connection = new BorrowedConnection(resolved.client, owner, events);
    else {
      const opener = resolved.kind === 'url' ? urlOpener(resolved, owner) : stdioOpener(resolved, owner);
      toolset.connection = await OwnedConnection.open(opener, owner, events);
    }
    try {
      await toolset.refresh();
      toolset.checkFilterNames();
    } catch (error) {
      await toolset.close();
      throw error;
    }
    return toolset;
  }

  /** The server's name in tool owners and messages: the label, else the name the server gives itself, else its URL or command. */
  get name(): string {
    return this.config.label ?? this.serverInfo?.name ?? this.target;
  }

  /** Who provides the tools, as in `Tool.owner` and error messages: `mcp server "<name>"`. */
  get owner(): string {
    return `mcp server "${this.name}"`;
  }

  /** The label given in the config. */
  get label(): string | undefined {
    return this.config.label;
  }

  /** The tools as last listed (after `filter`), as offered to the model. */
  get tools(): readonly McpTool<C>[] {
    return this.current;
  }

  /** The MCP definitions behind {@link tools}, as the server listed them. */
  get definitions(): readonly McpToolDefinition[] {
    return this.listed;
  }

  /** True when the server announced a change (or the connection was replaced) since the last listing. */
  get stale(): boolean {
    return this.listedAtChange !== this.changes;
  }

  /** The MCP client in use, e.g. for resources and prompts. It changes when a lost connection is reopened. */
  get client(): Client {
    return this.connection.client;
  }

  /** What the server said about itself when connecting (`name`, `version`, ...). */
  get serverInfo(): Implementation | undefined {
    return this.connection?.client.getServerVersion();
  }

  /**
   * Lists the tools again now (reconnecting first if the connection was lost). Concurrent calls
   * share one listing.
   */
  refresh(): Promise<readonly McpTool<C>[]> {
    this.refreshing ??= this.listTools().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** The current tools, refreshed first when stale. The engine calls this before every model request. */
  async [TOOL_SOURCE](): Promise<readonly McpTool<C>[]> {
    return this.stale ? this.refresh() : this.current;
  }

  /** Ends what `connect` opened (the HTTP session or the child process). A `{ client }` you passed stays open. */
  async close(): Promise<void> {
    await this.refreshing?.catch(() => {});
    await this.connection?.close();
  }

  /** Same as {@link close}, for `await using`. */
  [asyncDispose](): Promise<void> {
    return this.close();
  }

  private async listTools(): Promise<McpTool<C>[]> {
    const changesAtStart = this.changes;
    const client = await this.connection.acquire();
    const definitions: McpToolDefinition[] = [];
    try {
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? undefined : { cursor });
        definitions.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (error) {
      if (isConnectionFailure(error)) this.connection.markLost(client);
      throw new McpConnectionError(`Listing the tools of ${this.owner} failed: ${describeFailure(error)}`, {
        server: this.owner,
        stderr: this.connection.stderr,
        cause: error,
      });
    }
    this.serverToolNames = definitions.map((definition) => definition.name);
    const offered = definitions.filter((definition) => this.offers(definition));
    const settings = {
      connection: this.connection,
      owner: this.owner,
      meta: this.config.meta,
      forwardContext: this.config.forwardContext,
      timeout: this.config.timeout,
      strict: this.config.strict,
    };
    const tools = offered.map((definition) => createMcpTool<C>(definition, exposedToolName(this.config.label, definition.name), settings));
    assertUniqueToolNames(tools.map((tool) => ({ exposedName: tool.schema.function.name, mcpName: tool.mcpName, owner: tool.owner })));
    this.listed = offered;
    this.current = tools;
    this.listedAtChange = changesAtStart;
    return tools;
  }

  /** Tools that need the (experimental) task-based call API cannot be called with `tools/call`, so they are not offered. */
  private offers(definition: McpToolDefinition): boolean {
    if (definition.execution?.taskSupport === 'required') return false;
    const filter = this.config.filter;
    if (filter === undefined) return true;
    return typeof filter === 'function' ? filter(definition) : filter.includes(definition.name);
  }

  private checkFilterNames(): void {
    const filter = this.config.filter;
    if (!Array.isArray(filter)) return;
    const missing = filter.filter((name) => !this.serverToolNames.includes(name));
    if (missing.length > 0) {
      throw new McpConfigurationError(
        `filter names tool${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(', ')} that ${this.owner} does not have. ` +
          `Its tools: ${this.serverToolNames.join(', ') || '(none)'}.`,
      );
    }
  }

  private get target(): string {
    const config = this.config;
    if (config.kind === 'url') return config.url.href;
    if (config.kind === 'stdio') return describeCommand(config);
    return 'client';
  }
}
