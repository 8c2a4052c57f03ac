import type { Type } from '@nestjs/common';
import type { AgentOptions } from '../agent/agent.js';

/**
 * Which toolsets an agent gets. With none of the three fields, it gets every discovered `@Toolset`
 * provider and every MCP server of the module. With any of them, it gets exactly the union of what
 * they name (so `toolsets: []` means no toolsets at all).
 */
export interface ToolsetSelection {
  /**
   * `@Toolset` classes, meaning the provider instance Nest created for each, and/or objects used as
   * they are (a `@Toolset` instance you built, an `McpToolset` you connected).
   */
  toolsets?: readonly (Type<object> | object)[];
  /** Discovered toolsets and module MCP servers with at least one of these tags (`@Toolset({ tags })`, `mcpServers[i].tags`). */
  tags?: readonly string[];
  /** Module MCP servers by name: the config's `label`, else the name the server gives itself. */
  mcpServers?: readonly string[];
}

/**
 * Options of `ChatAgents.create`: which toolsets, plus any `Agent` option to override the module's
 * defaults (`model`, `instructions`, `client`, `outputType`, extra `tools`, ...). `handlers` are
 * added after the module's; `params` are merged over the module's.
 */
export interface ChatAgentOptions<C = any, O = unknown> extends ToolsetSelection, Partial<Omit<AgentOptions<C, O>, 'toolsets'>> {
  /** Names the agent in error messages and in telemetry (`invoke_agent {name}`). */
  name?: string;
}

/** One agent of `ChatToolsModule.forFeature`, injected with `@InjectAgent(name)`. */
export interface ChatAgentDefinition<C = any, O = unknown> extends ChatAgentOptions<C, O> {
  /** The name `@InjectAgent(name)` and `getAgentToken(name)` use. */
  name: string;
}
