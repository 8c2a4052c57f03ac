import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { getAgentToken } from './agent-token.js';
import type { ChatAgentDefinition } from './chat-agent-options.interface.js';
import { ChatAgents } from './chat-agents.service.js';
import { CHAT_MCP_SERVER_OPTIONS, ChatMcpEndpoint } from './chat-mcp-endpoint.js';
import { ChatMcpServers } from './chat-mcp-servers.js';
import { ChatRuns } from './chat-runs.service.js';
import { ChatTelemetryCheck } from './chat-telemetry-check.js';
import { chatToolsClientProvider } from './chat-tools-client.provider.js';
import { CHAT_TOOLS_CLIENT, CHAT_TOOLS_OPTIONS } from './chat-tools.constants.js';
import { ChatToolsModuleError } from './chat-tools-module.error.js';
import type { ChatMcpServerOptions, ChatToolsModuleAsyncOptions, ChatToolsModuleOptions, ChatToolsOptionsFactory } from './chat-tools-options.interface.js';
import { describeValue } from './describe-value.js';
import { mcpServerController } from './mcp-server-controller.js';
import { assertAgentOptions, assertMcpServerOptions, assertModuleOptions } from './options-validation.js';
import { RunStateStore } from './run-state-store.js';
import { runStateStoreProvider } from './run-state-store.provider.js';
import { ToolsetCatalog } from './toolset-catalog.js';
import { ToolsetDiscovery } from './toolset-discovery.js';

/**
 * Agents for NestJS: `forRoot` / `forRootAsync` once in the root module (the module is global), then
 * every provider whose class carries `@Toolset`, in any module, is a toolset agents can use. Get agents
 * from the injectable {@link ChatAgents}, or register named ones with {@link ChatToolsModule.forFeature}
 * and inject them with `@InjectAgent(name)`.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     ChatToolsModule.forRoot({ client: new OpenAI(), model: 'gpt-4.1-mini', instructions: 'You help our customers.' }),
 *     OrdersModule, // provides OrdersTools, an @Injectable() @Toolset() class
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class ChatToolsModule {
  /**
   * Registers the module with fixed options.
   *
   * @throws {ChatToolsModuleError} when the options are malformed (checked right here).
   */
  static forRoot(options: ChatToolsModuleOptions): DynamicModule {
    assertModuleOptions(options, 'ChatToolsModule.forRoot()');
    return rootModule([{ provide: CHAT_TOOLS_OPTIONS, useValue: options }], [], options.mcpServer);
  }

  /**
   * Registers the module with options built by a factory (`useFactory` + `inject`), a class
   * (`useClass`) or an existing provider (`useExisting`), e.g. from a configuration service.
   *
   * @throws {ChatToolsModuleError} when not exactly one of `useFactory`, `useClass`, `useExisting` is given;
   *   during initialization, when the options it produces are malformed.
   */
  static forRootAsync(options: ChatToolsModuleAsyncOptions): DynamicModule {
    const where = 'ChatToolsModule.forRootAsync()';
    if (typeof options !== 'object' || options === null) {
      throw new ChatToolsModuleError(`${where}: options must be an object { imports?, useFactory, inject? } (or useClass / useExisting), got ${describeValue(options)}.`);
    }
    const ways = (['useFactory', 'useClass', 'useExisting'] as const).filter((key) => options[key] !== undefined);
    if (ways.length !== 1) {
      throw new ChatToolsModuleError(`${where}: give exactly one of useFactory, useClass and useExisting; got ${ways.length === 0 ? 'none' : ways.join(' and ')}.`);
    }
    const way = ways[0]!;
    if (typeof options[way] !== 'function') throw new ChatToolsModuleError(`${where}: ${way} must be a ${way === 'useFactory' ? 'function' : 'class'}, got ${describeValue(options[way])}.`);
    if (options.mcpServer !== undefined) assertMcpServerOptions(options.mcpServer, `${where}: \`mcpServer\``);
    const providers: Provider[] = [];
    if (options.useFactory) {
      const factory = options.useFactory;
      providers.push({
        provide: CHAT_TOOLS_OPTIONS,
        inject: options.inject ?? [],
        useFactory: async (...args: unknown[]) => checkedOptions(await factory(...args), `${where} useFactory result`),
      });
    } else {
      const type = (options.useClass ?? options.useExisting)!;
      providers.push({
        provide: CHAT_TOOLS_OPTIONS,
        inject: [type],
        useFactory: async (factory: ChatToolsOptionsFactory) => checkedOptions(await factory.createChatToolsOptions(), `${where} ${type.name}.createChatToolsOptions() result`),
      });
      if (options.useClass) providers.push({ provide: options.useClass, useClass: options.useClass });
    }
    return rootModule(providers, options.imports ?? [], options.mcpServer);
  }

  /**
   * Registers named agents for a feature module: each is `ChatAgents.create(definition)`, injected
   * with `@InjectAgent(name)`. Needs `forRoot` / `forRootAsync` in the application.
   *
   * @example
   * ```ts
   * @Module({
   *   imports: [ChatToolsModule.forFeature([{ name: 'support', tags: ['support'], instructions: 'You help customers.' }])],
   *   controllers: [ChatController], // constructor(@InjectAgent('support') private readonly agent: Agent<Session>)
   * })
   * export class ChatModule {}
   * ```
   *
   * @throws {ChatToolsModuleError} for a definition without a name, two definitions with one name, or malformed options.
   */
  static forFeature(agents: readonly ChatAgentDefinition[]): DynamicModule {
    if (!Array.isArray(agents)) {
      throw new ChatToolsModuleError(`ChatToolsModule.forFeature() takes an array of agent definitions [{ name, ...options }], got ${describeValue(agents)}.`);
    }
    const names = new Set<string>();
    const providers: Provider[] = agents.map((definition, i) => {
      const where = `ChatToolsModule.forFeature() agents[${i}]`;
      assertAgentOptions(definition, where);
      if (definition.name === undefined) throw new ChatToolsModuleError(`${where}: \`name\` is required; @InjectAgent(name) finds the agent by it.`);
      if (names.has(definition.name)) throw new ChatToolsModuleError(`${where}: two agents are named "${definition.name}"; give each a distinct name.`);
      names.add(definition.name);
      return { provide: getAgentToken(definition.name), inject: [ChatAgents], useFactory: (chatAgents: ChatAgents) => chatAgents.create(definition) };
    });
    return { module: ChatToolsModule, providers, exports: providers.map((provider) => (provider as { provide: string }).provide) };
  }
}

function checkedOptions(options: unknown, where: string): ChatToolsModuleOptions {
  assertModuleOptions(options, where);
  if (options.mcpServer !== undefined) {
    throw new ChatToolsModuleError(`${where}: \`mcpServer\` cannot come from the factory, because routes are fixed before it runs; pass it to forRootAsync({ mcpServer, useFactory, ... }) itself.`);
  }
  return options;
}

function rootModule(optionsProviders: Provider[], imports: NonNullable<DynamicModule['imports']>, mcpServer: ChatMcpServerOptions | undefined): DynamicModule {
  const endpoint: Pick<DynamicModule, 'controllers' | 'providers'> =
    mcpServer === undefined
      ? { controllers: [], providers: [] }
      : { controllers: [mcpServerController(mcpServer.path, mcpServer.guards)], providers: [{ provide: CHAT_MCP_SERVER_OPTIONS, useValue: mcpServer }, ChatMcpEndpoint] };
  return {
    module: ChatToolsModule,
    global: true,
    imports: [DiscoveryModule, ...imports],
    controllers: endpoint.controllers!,
    providers: [
      ...optionsProviders,
      chatToolsClientProvider,
      ToolsetDiscovery,
      ChatMcpServers,
      ToolsetCatalog,
      ChatAgents,
      runStateStoreProvider,
      ChatRuns,
      ChatTelemetryCheck,
      ...endpoint.providers!,
    ],
    exports: [ChatAgents, CHAT_TOOLS_CLIENT, RunStateStore, ChatRuns],
  };
}
