import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { UnknownToolError } from '../tools/errors.js';
import type { ToolCall, ToolInvoker } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';
import type { McpServerConfig } from './config.js';
import { asyncDispose, McpToolset } from './mcp-toolset.js';
import type { McpToolResultMetadata } from './tool-result.js';
import { assertUniqueToolNames } from './tool-names.js';

/**
 * Connects, lists the server's tools as Chat Completions tool definitions (named, filtered and
 * made strict-safe exactly as {@link McpToolset} does), and disconnects.
 */
export async function listMcpTools(config: McpServerConfig): Promise<ChatCompletionFunctionTool[]> {
  const toolset = await McpToolset.connect(config);
  try {
    return toolset.tools.map((tool) => tool.schema);
  } finally {
    await toolset.close();
  }
}

/** Options of {@link callMcpTool}. */
export interface CallMcpToolOptions<C = unknown> {
  /** Sent as `_meta.context` (unless the config sets `forwardContext: false`). */
  context?: C;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/**
 * Connects, calls one tool and disconnects. `toolName` is the name the model sees
 * (`label__name`) or the tool's name on the server; `args` an object or its JSON text.
 *
 * @returns the result as the model would get it; the full MCP result is in `metadata.mcp`.
 * @throws {UnknownToolError} when the server offers no such tool (after `filter`).
 */
export async function callMcpTool<C = unknown>(
  config: McpServerConfig,
  toolName: string,
  args: string | Record<string, unknown> = {},
  options: CallMcpToolOptions<C> = {},
): Promise<ToolResult<McpToolResultMetadata>> {
  const toolset = await McpToolset.connect<C>(config);
  try {
    const tool =
      toolset.tools.find((candidate) => candidate.schema.function.name === toolName) ??
      toolset.tools.find((candidate) => candidate.mcpName === toolName);
    if (!tool) throw new UnknownToolError(toolName, toolset.tools.map((candidate) => candidate.schema.function.name));
    const toolCall: ToolCall = {
      id: 'call_mcp',
      type: 'function',
      function: { name: tool.schema.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
    };
    return await tool.invoke(toolCall, options.context as C, { signal: options.signal ?? new AbortController().signal, iteration: 0 });
  } finally {
    await toolset.close();
  }
}

/** What {@link buildMcpToolsAndInvokers} returns. */
export interface McpToolsAndInvokers<C = any> {
  /** Tool definitions for `tools` (or `params.tools`). */
  tools: ChatCompletionFunctionTool[];
  /** One invoker per tool name, for `toolInvokers`. */
  toolInvokers: Record<string, ToolInvoker<C>>;
  /** The connected toolsets behind them. */
  toolsets: McpToolset<C>[];
  /** Closes every connection opened. */
  close(): Promise<void>;
  /** Same as `close`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The seed library's function: connects to every server (in parallel) and returns `{ tools,
 * toolInvokers }` for `streamUntilUserInput`. The lists are a snapshot: for tool lists that follow
 * `list_changed`, pass the toolsets themselves in `tools`. Close the result when done.
 *
 * @throws {ToolConfigurationError} when two servers offer a tool under the same name (naming both).
 * @throws the first connection error; connections already opened are closed first.
 */
export async function buildMcpToolsAndInvokers<C = any>(configs: readonly McpServerConfig[]): Promise<McpToolsAndInvokers<C>> {
  const settled = await Promise.allSettled(configs.map((config) => McpToolset.connect<C>(config)));
  const toolsets = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const closeAll = async () => {
    await Promise.all(toolsets.map((toolset) => toolset.close()));
  };
  const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await closeAll();
    throw failure.reason;
  }
  const all = toolsets.flatMap((toolset) => [...toolset.tools]);
  try {
    assertUniqueToolNames(all.map((tool) => ({ exposedName: tool.schema.function.name, mcpName: tool.mcpName, owner: tool.owner })));
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    tools: all.map((tool) => tool.schema),
    toolInvokers: Object.fromEntries(all.map((tool) => [tool.schema.function.name, tool.invoke])),
    toolsets,
    close: closeAll,
    [asyncDispose]: closeAll,
  };
}
