import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { McpHttpHandler } from '../mcp/server/http-handler.js';
import { isToolsetInstance } from '../tools/toolset-reader.js';
import { ChatToolsModuleError } from './chat-tools-module.error.js';
import type { ChatMcpServerOptions } from './chat-tools-options.interface.js';
import { loadMcpEntry } from './mcp-entry.js';
import { ToolsetCatalog } from './toolset-catalog.js';

/** Injection token of the `mcpServer` options (internal). */
export const CHAT_MCP_SERVER_OPTIONS = 'chat-cmpl-stream-handler:mcp-server-options';

const WHERE = 'ChatToolsModule mcpServer';

/**
 * The app's MCP endpoint: builds `mcpHttpHandler` from the selected toolsets once the catalog is
 * ready, answers the requests the route's controller hands it, and ends every session when the app shuts down.
 * The MCP SDK is loaded only when the module options have `mcpServer`.
 */
@Injectable()
export class ChatMcpEndpoint implements OnModuleInit, BeforeApplicationShutdown {
  private handler: McpHttpHandler | undefined;
  /** Each request's context, keyed by the `authInfo` object the SDK passes on to the call. */
  private readonly contexts = new WeakMap<object, unknown>();

  constructor(
    @Inject(CHAT_MCP_SERVER_OPTIONS) private readonly options: ChatMcpServerOptions,
    private readonly catalog: ToolsetCatalog,
  ) {}

  async onModuleInit(): Promise<void> {
    const { mcpHttpHandler } = await loadMcpEntry();
    // Runs now when the catalog is ready, else in its onModuleInit; either way a mistake fails app.init().
    this.catalog.whenReady(() => {
      const { path: _path, tags, toolsets, guards: _guards, context: _context, name, version, ...http } = this.options;
      this.handler = mcpHttpHandler({
        ...http,
        name: name ?? 'nestjs-mcp-server',
        version: version ?? '1.0.0',
        toolsets: this.servedToolsets({ tags, toolsets }),
        context: (request) => (request.authInfo === undefined ? undefined : this.contexts.get(request.authInfo)),
      });
    });
  }

  /** Before the HTTP server closes, which waits for open connections such as a session's GET stream. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.handler?.close();
  }

  /**
   * Answers one request that passed the route's guards. Express hands Node's request and response;
   * Fastify its wrappers, whose `raw` ones are used (the reply is hijacked: the MCP transport writes it).
   */
  async handle(request: any, response: any): Promise<void> {
    if (!this.handler) throw new ChatToolsModuleError(`${WHERE}: a request arrived before the module initialized.`);
    const context = this.options.context ? await this.options.context(request) : request.user;
    const fastify = typeof response?.hijack === 'function' && typeof response?.raw === 'object';
    if (fastify) response.hijack();
    const req: IncomingMessage & { auth?: AuthInfo } = fastify ? request.raw : request;
    const res: ServerResponse = fastify ? response.raw : response;
    // The SDK passes `req.auth` to the call as `authInfo`: a fresh object per request carries this request's context.
    const authInfo: AuthInfo = { ...(req.auth ?? { token: '', clientId: '', scopes: [] }) };
    this.contexts.set(authInfo, context);
    req.auth = authInfo;
    await this.handler(req, res, request.body);
  }

  private servedToolsets(selection: Pick<ChatMcpServerOptions, 'tags' | 'toolsets'>): object[] {
    const chosen = this.catalog.select(selection, WHERE);
    const explicit = new Set<unknown>(selection.toolsets ?? []);
    return chosen.filter((entry) => {
      if (isToolsetInstance(entry)) return true;
      // An MCP server the module connects as a client: a tag may name it too, but it is not served again.
      if (explicit.has(entry)) throw new ChatToolsModuleError(`${WHERE}: toolsets lists an MCP toolset; only @Toolset providers and instances can be served.`);
      return false;
    });
  }
}
