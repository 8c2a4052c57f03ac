import { Inject, Injectable } from '@nestjs/common';
import type OpenAI from 'openai';
import { Agent, type AgentOptions } from '../agent/agent.js';
import type { ChatAgentOptions } from './chat-agent-options.interface.js';
import { CHAT_TOOLS_CLIENT, CHAT_TOOLS_OPTIONS } from './chat-tools.constants.js';
import type { ChatToolsModuleOptions } from './chat-tools-options.interface.js';
import { agentDefaultsOf, assertAgentOptions } from './options-validation.js';
import { SelectedToolsets } from './selected-toolsets.js';
import { ToolsetCatalog } from './toolset-catalog.js';

/**
 * Creates agents from the discovered `@Toolset` providers, the module's MCP servers and the
 * module's defaults. Inject it anywhere (the module is global).
 *
 * An `Agent` keeps no per-run state, so create agents once (in a constructor or field) and pass the
 * current user as each run's `context`.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class SupportService {
 *   private readonly agent = this.agents.create<Session>({ tags: ['support'], instructions: 'You help customers.' });
 *   constructor(private readonly agents: ChatAgents) {}
 *   answer(message: string, userId: string) {
 *     return this.agent.run(message, { context: { userId } });
 *   }
 * }
 * ```
 */
@Injectable()
export class ChatAgents {
  /** @internal Built by Nest's injector; inject `ChatAgents` instead of constructing it. */
  constructor(
    @Inject(CHAT_TOOLS_OPTIONS) private readonly defaults: ChatToolsModuleOptions,
    @Inject(CHAT_TOOLS_CLIENT) private readonly client: OpenAI,
    private readonly catalog: ToolsetCatalog,
  ) {}

  /**
   * An agent with the selected toolsets (all of them when `options` names none) and the module's
   * defaults overridden by `options`. Created before the module initialized, its toolsets are
   * resolved then; created after, right away.
   *
   * @throws {ChatToolsModuleError} for malformed options or a selection naming something that does not exist (once the module is initialized).
   * @throws {ToolConfigurationError} when two selected tools share a name (the message names both owners).
   */
  create<C = any, O = unknown>(options: ChatAgentOptions<C, O> = {}): Agent<C, O> {
    const where = options?.name === undefined ? 'ChatAgents.create()' : `ChatAgents.create({ name: "${options.name}" })`;
    assertAgentOptions(options, where);
    const { name, toolsets, tags, mcpServers, handlers, params, ...overrides } = options;
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) as Partial<AgentOptions<C, O>>;
    const agent = name === undefined ? 'An agent of ChatAgents.create()' : `Agent "${name}"`;
    const { handlers: moduleHandlers, params: moduleParams, ...moduleSettings } = agentDefaultsOf(this.defaults);
    return new Agent<C, O>({
      client: this.client,
      model: this.defaults.model,
      ...moduleSettings,
      ...defined,
      ...(name === undefined ? {} : { name }),
      toolsets: [new SelectedToolsets<C>(this.catalog, { toolsets, tags, mcpServers }, agent)],
      handlers: [...(moduleHandlers ?? []), ...(handlers ?? [])],
      params: moduleParams === undefined && params === undefined ? undefined : { ...moduleParams, ...params },
    });
  }
}
