/**
 * MCP both ways. As a client: `McpToolset.connect({ url } | { command } | { client })` gives an
 * object to put in `tools` (or an `Agent`'s `toolsets`). As a server: `createMcpServer` and
 * `mcpHttpHandler` serve `@Toolset` classes to any MCP client. Needs the optional peer dependency
 * `@modelcontextprotocol/sdk`; the core entry never loads it.
 *
 * @packageDocumentation
 */
export { McpToolset } from './mcp-toolset.js';
export type { McpRequestOptions } from './mcp-toolset.js';
export type { McpTool } from './mcp-tool.js';
export type {
  McpServerConfig,
  McpUrlServerConfig,
  McpStdioServerConfig,
  McpClientServerConfig,
  McpCommonOptions,
  McpToolFilter,
  McpNeedsApproval,
  McpHeaders,
  McpAuthProvider,
} from './config.js';
export type {
  McpClientFeatureOptions,
  McpElicitationHandler,
  McpSamplingHandler,
  McpRoots,
  McpRequestExtra,
} from './client-features.js';
export { openAiSamplingHandler } from './openai-sampling.js';
export type { McpSamplingModel } from './openai-sampling.js';
export { promptMessagesToChat } from './prompt-messages.js';
// OAuth: the MCP SDK's provider interface, its error, and its ready machine-to-machine providers.
export { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
export type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
export { ClientCredentialsProvider, PrivateKeyJwtProvider, StaticPrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
export type {
  ClientCredentialsProviderOptions,
  PrivateKeyJwtProviderOptions,
  StaticPrivateKeyJwtProviderOptions,
} from '@modelcontextprotocol/sdk/client/auth-extensions.js';
export type { McpToolResultMetadata } from './tool-result.js';
export { listMcpTools, callMcpTool, buildMcpToolsAndInvokers } from './helpers.js';
export type { CallMcpToolOptions, McpToolsAndInvokers } from './helpers.js';
export { clearMcpEndpointCache, rememberedMcpEndpoint, SSE_FALLBACK_PATHS } from './url-server.js';
export type { McpEndpoint } from './url-server.js';
export { McpConfigurationError, McpConnectionError, McpToolCallError } from './errors.js';
export type { McpConnectionAttempt } from './errors.js';
// --- serving @Toolset classes as an MCP server ---
export { createMcpServer } from './server/create-mcp-server.js';
export type { CreateMcpServerOptions, McpToolErrorInfo } from './server/create-mcp-server.js';
export { mcpHttpHandler } from './server/http-handler.js';
export type { McpHttpHandler, McpHttpHandlerOptions } from './server/http-handler.js';
export { isMcpToolContext } from './server/mcp-tool-context.js';
export type { McpToolContext, McpCaller, McpServerRequestExtra } from './server/mcp-tool-context.js';
