/**
 * MCP servers as toolsets: `McpToolset.connect({ url } | { command } | { client })` gives an
 * object to put in `tools` (or an `Agent`'s `toolsets`). Needs the optional peer dependency
 * `@modelcontextprotocol/sdk`; the core entry never loads it.
 *
 * @packageDocumentation
 */
export { McpToolset } from './mcp-toolset.js';
export type { McpTool } from './mcp-tool.js';
export type {
  McpServerConfig,
  McpUrlServerConfig,
  McpStdioServerConfig,
  McpClientServerConfig,
  McpCommonOptions,
  McpToolFilter,
} from './config.js';
export type { McpToolResultMetadata } from './tool-result.js';
export { listMcpTools, callMcpTool, buildMcpToolsAndInvokers } from './helpers.js';
export type { CallMcpToolOptions, McpToolsAndInvokers } from './helpers.js';
export { clearMcpEndpointCache, rememberedMcpEndpoint, SSE_FALLBACK_PATHS } from './url-server.js';
export type { McpEndpoint } from './url-server.js';
export { McpConfigurationError, McpConnectionError, McpToolCallError } from './errors.js';
export type { McpConnectionAttempt } from './errors.js';
