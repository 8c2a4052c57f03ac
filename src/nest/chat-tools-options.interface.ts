import type { CanActivate, FactoryProvider, ModuleMetadata, Type } from '@nestjs/common';
import type OpenAI from 'openai';
import type { AgentOptions } from '../agent/agent.js';
import type { RunSettings } from '../loop/options.js';
import type { McpServerConfig } from '../mcp/config.js';
import type { McpHttpHandlerOptions } from '../mcp/server/http-handler.js';
import type { ToolsetSelection } from './chat-agent-options.interface.js';
import type { RunStateStore } from './run-state-store.js';

/**
 * Agent options every agent of the module starts from; an agent's own options override them, except
 * `handlers` (the module's run first, then the agent's) and `params` (merged key by key).
 */
export type ChatAgentDefaults<C = any> = Omit<RunSettings<C>, 'toolInvokers' | 'outputType'> & Pick<AgentOptions<C>, 'handlers'>;

/**
 * An MCP server the module connects on init and closes on shutdown: a config for
 * `McpToolset.connect` (`{ url }`, `{ command }` or `{ client }`, see `chat-cmpl-stream-handler/mcp`)
 * plus `tags` for choosing it in agents.
 */
export type ChatMcpServerConfig = McpServerConfig & {
  /** Agents created with one of these tags get this server's tools. */
  tags?: readonly string[];
};

/** Options of `ChatToolsModule.forRoot` (and what `forRootAsync`'s factory returns). */
export interface ChatToolsModuleOptions<C = any> extends ChatAgentDefaults<C> {
  /** The client of every agent (`OpenAI`, `AzureOpenAI`, `AnthropicOpenAI`, any compatible `baseURL`). Give this or `clientFactory`. */
  client?: OpenAI;
  /** Creates the client once, when the module is instantiated (may be async). Give this or `client`. */
  clientFactory?: () => OpenAI | Promise<OpenAI>;
  /** Default model name of every agent. */
  model: string;
  /**
   * MCP servers connected (in parallel) when the module initializes and closed when the application
   * shuts down. Needs the optional peer dependency `@modelcontextprotocol/sdk`, which is loaded only
   * when this list is not empty.
   */
  mcpServers?: readonly ChatMcpServerConfig[];
  /**
   * Serves toolsets to MCP clients over Streamable HTTP at `path`, from a controller of the app (so
   * global guards and `guards` apply), with the request's user as each call's `context`. Needs the
   * optional peer dependency `@modelcontextprotocol/sdk`. With `forRootAsync`, give it to
   * `forRootAsync({ mcpServer })` itself: routes are fixed before the factory runs.
   */
  mcpServer?: ChatMcpServerOptions<C>;
  /**
   * Where `ChatRuns` keeps runs that wait for approval: a {@link RunStateStore} instance, or a class
   * Nest instantiates with the module's injector (its dependencies must be global, or come from
   * `forRootAsync`'s `imports`). Default: an `InMemoryRunStateStore` (one process, lost on restart).
   */
  runStateStore?: RunStateStore | Type<RunStateStore>;
}

/**
 * The app's MCP server (`ChatToolsModule.forRoot({ mcpServer })`): its route and which toolsets it
 * serves, chosen as agents choose them (every discovered `@Toolset` provider when neither `toolsets`
 * nor `tags` is given). The module's MCP client servers (`mcpServers`) are never served again.
 */
export interface ChatMcpServerOptions<C = any>
  extends Omit<ToolsetSelection, 'mcpServers'>,
    Pick<McpHttpHandlerOptions<C>, 'instructions' | 'allowedHosts' | 'allowedOrigins' | 'eventStore' | 'retryInterval' | 'sessionIdleTimeout' | 'onError'> {
  /** The route, e.g. `'/mcp'` (under the app's global prefix, if any). */
  path: string;
  /** The server's name, as MCP clients show it. Default `'nestjs-mcp-server'`. */
  name?: string;
  /** The server's version. Default `'1.0.0'`. */
  version?: string;
  /** Guards of the route, as `@UseGuards(...)` would give them (global guards apply anyway). */
  guards?: readonly (CanActivate | Type<CanActivate>)[];
  /**
   * Makes a call's `context` from the HTTP request (Express's `Request`, or Fastify's), after the
   * guards ran. Default: `request.user`, as Passport-style guards set it.
   */
  context?: (request: any) => C | Promise<C>;

}

/** A class that produces the module options, for `forRootAsync({ useClass })` / `({ useExisting })`. */
export interface ChatToolsOptionsFactory {
  /** Returns the module options. */
  createChatToolsOptions(): ChatToolsModuleOptions | Promise<ChatToolsModuleOptions>;
}

/** Options of `ChatToolsModule.forRootAsync`: exactly one of `useFactory`, `useClass`, `useExisting`. */
export interface ChatToolsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** The app's MCP server (see {@link ChatToolsModuleOptions.mcpServer}): given here because routes are fixed before `useFactory` runs. */
  mcpServer?: ChatMcpServerOptions;
  /** Builds the options from the providers listed in `inject`. */
  useFactory?: (...args: any[]) => ChatToolsModuleOptions | Promise<ChatToolsModuleOptions>;
  /** Providers passed to `useFactory`, in order. */
  inject?: FactoryProvider['inject'];
  /** A class the module instantiates to get the options from. */
  useClass?: Type<ChatToolsOptionsFactory>;
  /** An existing provider (exported by a module in `imports`) to get the options from. */
  useExisting?: Type<ChatToolsOptionsFactory>;
}
