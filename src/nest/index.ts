/**
 * NestJS integration: `ChatToolsModule` discovers every provider whose class carries `@Toolset`, builds
 * agents from them (`ChatAgents`, `@InjectAgent`), connects the MCP servers of its options on init, and
 * with `mcpServer` serves toolsets to MCP clients from a route of the app. `ChatRuns` runs agents whose
 * calls may wait for a person's approval across requests, keeping paused runs in a `RunStateStore`.
 * Needs the optional peer dependencies `@nestjs/common` and `@nestjs/core`; the core entry never loads them.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export { ChatToolsModule } from './chat-tools.module.js';
export { ChatAgents } from './chat-agents.service.js';
export { InjectAgent } from './inject-agent.decorator.js';
export { getAgentToken } from './agent-token.js';
export { CHAT_TOOLS_CLIENT, CHAT_TOOLS_OPTIONS } from './chat-tools.constants.js';
export { ChatToolsModuleError } from './chat-tools-module.error.js';
export { ChatRuns } from './chat-runs.service.js';
export type { ChatRunOptions, ChatRunOwner } from './chat-runs.service.js';
export { RunStateStore } from './run-state-store.js';
export type { StoredRun, StoredRunStatus } from './run-state-store.js';
export { InMemoryRunStateStore } from './in-memory-run-state-store.js';
export type { InMemoryRunStateStoreOptions } from './in-memory-run-state-store.js';
export { RunDecisionError } from './run-decision.error.js';
export type { RunDecisionErrorCode } from './run-decision.error.js';
export type { RunDecision } from './run-decisions.js';
export { RunStateErrorFilter } from './run-state-error.filter.js';
export type {
  ChatAgentDefaults,
  ChatMcpServerConfig,
  ChatMcpServerOptions,
  ChatToolsModuleAsyncOptions,
  ChatToolsModuleOptions,
  ChatToolsOptionsFactory,
} from './chat-tools-options.interface.js';
export type { ChatAgentDefinition, ChatAgentOptions, ToolsetSelection } from './chat-agent-options.interface.js';
