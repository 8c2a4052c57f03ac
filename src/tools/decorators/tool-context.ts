import type { ToolCall } from '../tool.js';

/**
 * The second argument of every `@Tool` method: the run's context and this call's details.
 *
 * A method served by an MCP server (`createMcpServer`, `mcpHttpHandler` from
 * `chat-cmpl-stream-handler/mcp`) gets an `McpToolContext`, which adds `log`, `createMessage`
 * (sampling), `elicitInput` and the MCP request itself; declare the parameter as `McpToolContext`
 * in a tool meant for MCP clients, or test for them with `isMcpToolContext(ctx)`.
 *
 * @typeParam C - the type of the run's `context`.
 */
export interface ToolContext<C = unknown> {
  /** The run's `context`, exactly as passed to the run (under MCP: what the server's `context` option made of the request). */
  readonly context: C;
  /** The raw tool call (id, name, JSON arguments as sent by the model). */
  readonly toolCall: ToolCall;
  /** Aborted when the run is aborted or the tool's `timeout` elapses; pass it to `fetch`, drivers, child processes. */
  readonly signal: AbortSignal;
  /** Zero-based index of the model request whose answer contained this call. */
  readonly iteration: number;
  /**
   * Reports how far the call is. In a run it becomes a `tool_call.progress` event (hooks:
   * `onToolCallProgress`); served over MCP, a `notifications/progress` to the client when the client
   * asked for progress. Reports made after the call settled are dropped. Absent when the invoker
   * was called without the engine's options (the seed's two-argument call): write
   * `ctx.reportProgress?.(1, 3, 'fetched')`.
   *
   * @param progress - how far the work is, in the tool's own unit; should grow with each report.
   * @param total - the value `progress` reaches when done, if known.
   * @param message - a human-readable note on the current step.
   */
  readonly reportProgress?: (progress: number, total?: number, message?: string) => void;
  /**
   * The same for every execution of this call, also when a resumed run runs it again: pass it to
   * the system the tool changes so its effect happens once. See `ToolInvocationOptions.idempotencyKey`.
   */
  readonly idempotencyKey?: string | undefined;
}
