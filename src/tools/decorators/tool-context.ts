import type { ToolCall } from '../tool.js';

/**
 * The second argument of every `@Tool` method: the run's context and this call's details.
 *
 * @typeParam C - the type of the run's `context`.
 */
export interface ToolContext<C = unknown> {
  /** The run's `context`, exactly as passed to the run. */
  readonly context: C;
  /** The raw tool call (id, name, JSON arguments as sent by the model). */
  readonly toolCall: ToolCall;
  /** Aborted when the run is aborted or the tool's `timeout` elapses; pass it to `fetch`, drivers, child processes. */
  readonly signal: AbortSignal;
  /** Zero-based index of the model request whose answer contained this call. */
  readonly iteration: number;
  /**
   * The same for every execution of this call, also when a resumed run runs it again: pass it to
   * the system the tool changes so its effect happens once. See `ToolInvocationOptions.idempotencyKey`.
   */
  readonly idempotencyKey?: string | undefined;
}
