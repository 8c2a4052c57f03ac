import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { McpToolset } from '../mcp/mcp-toolset.js';
import { CHAT_TOOLS_OPTIONS } from './chat-tools.constants.js';
import type { ChatToolsModuleOptions } from './chat-tools-options.interface.js';
import { loadMcpEntry } from './mcp-entry.js';

/** A module MCP server, connected. */
export interface ConnectedMcpServer {
  readonly toolset: McpToolset;
  /** `mcpServers[i].tags`. */
  readonly tags: readonly string[];
}

/**
 * Connects the module's `mcpServers` when the module initializes and closes them when the
 * application shuts down. The MCP SDK is imported only when there is a server to connect.
 */
@Injectable()
export class ChatMcpServers implements OnModuleInit, OnApplicationShutdown {
  private connecting: Promise<readonly ConnectedMcpServer[]> | undefined;

  constructor(@Inject(CHAT_TOOLS_OPTIONS) private readonly options: ChatToolsModuleOptions) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /**
   * The connected servers, connecting them (in parallel) on the first call. When one fails, the
   * others are closed and its error (`McpConnectionError`, `McpConfigurationError`) is thrown.
   */
  connect(): Promise<readonly ConnectedMcpServer[]> {
    this.connecting ??= this.connectAll();
    return this.connecting;
  }

  /** Closes every connected server (the HTTP sessions and child processes they opened). */
  async close(): Promise<void> {
    const servers = (await this.connecting?.catch(() => undefined)) ?? [];
    await Promise.all(servers.map((server) => server.toolset.close()));
  }

  private async connectAll(): Promise<readonly ConnectedMcpServer[]> {
    const configs = this.options.mcpServers ?? [];
    if (configs.length === 0) return [];
    const { McpToolset } = await loadMcpEntry();
    const settled = await Promise.allSettled(configs.map(({ tags: _tags, ...config }) => McpToolset.connect(config)));
    const connected = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) {
      await Promise.all(connected.map((toolset) => toolset.close()));
      throw failure.reason;
    }
    return connected.map((toolset, i) => ({ toolset, tags: configs[i]!.tags ?? [] }));
  }
}
