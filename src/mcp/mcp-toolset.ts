import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type {
  GetPromptResult,
  Implementation,
  Tool as McpToolDefinition,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import { TOOL_SOURCE, type Tool, type ToolSource } from '../tools/tool.js';
import { exchangeAuthorizationCode, isUnauthorized } from './authorization.js';
import { resolveConfig, type McpServerConfig, type McpUrlServerConfig, type ResolvedConfig } from './config.js';
import { credentialsFor, type ConnectionRouter } from './connection-router.js';
import type { ConnectionEvents } from './connection.js';
import { isConnectionFailure, McpConfigurationError, McpConnectionError } from './errors.js';
import { createMcpTool, type McpTool, type McpToolSettings } from './mcp-tool.js';
import { openConnections } from './open-connections.js';
import { describeFailure } from './open-client.js';
import { createResourceTools } from './resource-tools.js';
import { listAllPrompts, listAllResources, listAllResourceTemplates, listAllTools } from './server-lists.js';
import { describeCommand } from './stdio-server.js';
import { assertUniqueToolNames, exposedToolName } from './tool-names.js';

/** Options of the toolset's resource and prompt methods. */
export interface McpRequestOptions<C = any> {
  /** The run's context: picks the connection when `headers` or `authProvider` depend on it; server requests during the call see it. */
  context?: C | undefined;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
}

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
  private connections!: ConnectionRouter;
  private resourceToolList: Tool<C>[] = [];

  private constructor(private readonly config: ResolvedConfig) {}

  /**
   * Connects to the server and lists its tools.
   *
   * @throws {McpConfigurationError} for a malformed config or a `filter` naming a tool the server does not have.
   * @throws {McpConnectionError} when the server cannot be reached or started (with the endpoints tried, or the process's stderr).
   * @throws {ToolConfigurationError} when two of its tools end up with the same name.
   */
  static async connect<C = any>(config: McpServerConfig<C>): Promise<McpToolset<C>> {
    const resolved = resolveConfig(config);
    const toolset = new McpToolset<C>(resolved);
    const events: ConnectionEvents = {
      toolsChanged: () => toolset.changes++,
      reconnected: () => toolset.changes++,
    };
    const owner = () => toolset.owner;
    toolset.connections = await openConnections(resolved, owner, events);
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

  /** The MCP client of the toolset's own connection. It changes when a lost connection is reopened. */
  get client(): Client {
    return this.connections.main.client;
  }

  /** What the server said about itself when connecting (`name`, `version`, ...). */
  get serverInfo(): Implementation | undefined {
    return this.connections?.main.client.getServerVersion();
  }

  /** The tools `resourceTools: true` adds (`label__list_resources`, `label__read_resource`), as offered to the model. */
  get resourceTools(): readonly Tool<C>[] {
    return this.resourceToolList;
  }

  /**
   * Lists the tools again now (reconnecting first if the connection was lost). Concurrent calls
   * share one listing.
   */
  refresh(): Promise<readonly McpTool<C>[]> {
    this.refreshing ??= this.listTools().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** The current tools (and resource tools), refreshed first when stale. The engine calls this before every model request. */
  async [TOOL_SOURCE](): Promise<readonly Tool<C>[]> {
    const tools = this.stale ? await this.refresh() : this.current;
    return this.resourceToolList.length === 0 ? tools : [...tools, ...this.resourceToolList];
  }

  /**
   * Every resource the server lists (all pages); none when it does not declare resources.
   * `context` picks the connection when headers or the OAuth provider depend on it.
   */
  async listResources(options: McpRequestOptions<C> = {}): Promise<Resource[]> {
    return this.request('listing the resources of', options, listAllResources);
  }

  /** Every resource template the server lists (all pages); none when it does not declare resources. */
  async listResourceTemplates(options: McpRequestOptions<C> = {}): Promise<ResourceTemplate[]> {
    return this.request('listing the resource templates of', options, listAllResourceTemplates);
  }

  /** Reads one resource: its `contents` (text, or base64 `blob`), as the server returned them. */
  async readResource(uri: string, options: McpRequestOptions<C> = {}): Promise<ReadResourceResult> {
    return this.request(`reading resource ${JSON.stringify(uri)} of`, options, (client, signal) => client.readResource({ uri }, { signal }));
  }

  /** Every prompt the server lists (all pages); none when it does not declare prompts. */
  async listPrompts(options: McpRequestOptions<C> = {}): Promise<Prompt[]> {
    return this.request('listing the prompts of', options, listAllPrompts);
  }

  /**
   * Gets one prompt filled in with `args`: its `messages` (turn them into chat messages with
   * {@link promptMessagesToChat}) and `description`.
   */
  async getPrompt(name: string, args: Record<string, string> = {}, options: McpRequestOptions<C> = {}): Promise<GetPromptResult> {
    return this.request(`getting prompt ${JSON.stringify(name)} of`, options, (client, signal) => client.getPrompt({ name, arguments: args }, { signal }));
  }

  /**
   * Finishes an OAuth authorization: exchanges the code the user brought back to your redirect
   * URL for tokens, which `authProvider` stores. Then `connect` again (or, when a call of a live
   * toolset needed more scope, simply call again). `context` picks the provider when
   * `authProvider` is a function.
   *
   * @throws {McpConfigurationError} when the config is not a URL server with an `authProvider`.
   */
  static async finishAuth<C = any>(config: McpUrlServerConfig<C>, authorizationCode: string, options: { context?: C } = {}): Promise<void> {
    const resolved = resolveConfig(config);
    if (resolved.kind !== 'url' || !resolved.authProvider) {
      throw new McpConfigurationError('finishAuth needs the config of a URL server with an authProvider, the one connect was called with.');
    }
    if (typeof authorizationCode !== 'string' || authorizationCode === '') {
      throw new McpConfigurationError('finishAuth needs the authorization code from the redirect URL (its "code" query parameter).');
    }
    const { authProvider } = await credentialsFor(resolved, options.context);
    if (!authProvider) throw new McpConfigurationError('authProvider(context) returned no provider for this context; nothing to finish.');
    await exchangeAuthorizationCode(authProvider, resolved, authorizationCode);
  }

  /** Ends what `connect` opened (the HTTP sessions or the child process). A `{ client }` you passed stays open. */
  async close(): Promise<void> {
    await this.refreshing?.catch(() => {});
    await this.connections?.close();
  }

  /** Same as {@link close}, for `await using`. */
  [asyncDispose](): Promise<void> {
    return this.close();
  }

  private async listTools(): Promise<McpTool<C>[]> {
    const changesAtStart = this.changes;
    const main = this.connections.main;
    let definitions: McpToolDefinition[];
    try {
      definitions = await main.run(listAllTools);
    } catch (error) {
      if (isUnauthorized(error)) throw error;
      throw new McpConnectionError(`Listing the tools of ${this.owner} failed: ${describeFailure(error)}`, {
        server: this.owner,
        stderr: main.stderr,
        cause: error,
      });
    }
    this.serverToolNames = definitions.map((definition) => definition.name);
    const offered = definitions.filter((definition) => this.offers(definition));
    const settings: McpToolSettings = {
      connections: this.connections,
      owner: this.owner,
      meta: this.config.meta,
      forwardContext: this.config.forwardContext,
      timeout: this.config.timeout,
      resetTimeoutOnProgress: this.config.resetTimeoutOnProgress,
      maxTotalTimeout: this.config.maxTotalTimeout,
      strict: this.config.strict,
      needsApproval: this.config.needsApproval,
    };
    const tools = offered.map((definition) => createMcpTool<C>(definition, exposedToolName(this.config.label, definition.name), settings));
    const resourceTools = this.config.resourceTools && main.client.getServerCapabilities()?.resources ? this.createResourceTools() : [];
    assertUniqueToolNames([
      ...tools.map((tool) => ({ exposedName: tool.schema.function.name, mcpName: tool.mcpName, owner: tool.owner })),
      ...resourceTools.map((tool) => ({ exposedName: tool.schema.function.name, mcpName: `(resource tool) ${tool.schema.function.name}`, owner: this.owner })),
    ]);
    this.listed = offered;
    this.current = tools;
    this.resourceToolList = resourceTools;
    this.listedAtChange = changesAtStart;
    return tools;
  }

  private createResourceTools(): Tool<C>[] {
    return createResourceTools<C>({
      label: this.config.label,
      owner: this.owner,
      list: (context, signal) => this.listResources({ context, signal }),
      read: (uri, context, signal) => this.readResource(uri, { context, signal }),
    });
  }

  /** Runs a request on the connection for `options.context`, naming the server and what failed in the error. */
  private async request<T>(what: string, options: McpRequestOptions<C>, send: (client: Client, signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const connection = await this.connections.connectionFor(options.context);
    try {
      return await connection.run((client) => send(client, options.signal), { signal: options.signal, scope: { context: options.context } });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (isUnauthorized(error) || !isConnectionFailure(error)) throw error;
      throw new McpConnectionError(`${capitalized(what)} ${this.owner} failed: ${describeFailure(error)}`, {
        server: this.owner,
        stderr: connection.stderr,
        cause: error,
      });
    }
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

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
