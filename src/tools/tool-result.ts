const TOOL_RESULT_BRAND = Symbol.for('chat-cmpl-stream-handler.ToolResult');

/**
 * What a tool hands back to the model: the text of the `tool` message plus metadata that stays on
 * our side (it is reported in `tool_call.completed` / `tool_call.failed` events, never sent).
 *
 * @example
 * ```ts
 * return new ToolResult('3 orders found', { rows: orders });
 * return ToolResult.error('No such city: Atlantis'); // tells the model the call failed
 * ```
 */
export class ToolResult<M extends Record<string, unknown> = Record<string, unknown>> {
  /** Text sent to the model as the `tool` message content. */
  readonly content: string;
  /** Data for your own code (events, logs); not sent to the model. */
  readonly metadata: M;
  /**
   * The tool handled a failure and reports it to the model (e.g. an MCP result with `isError: true`).
   * The content still goes to the model as is; the engine emits `tool_call.failed` instead of
   * `tool_call.completed`, and `onToolError` does not apply because nothing was thrown.
   */
  readonly isError: boolean;

  constructor(content: string, metadata?: M, options?: { isError?: boolean }) {
    if (typeof content !== 'string') {
      throw new TypeError(
        `ToolResult content must be a string, got ${content === null ? 'null' : typeof content}; ` +
          'serialise structured output yourself (e.g. JSON.stringify) or return the value from a @Tool method.',
      );
    }
    this.content = content;
    this.metadata = metadata ?? ({} as M);
    this.isError = options?.isError ?? false;
    Object.defineProperty(this, TOOL_RESULT_BRAND, { value: true });
  }

  /** A result that tells the model the tool failed, with `isError: true`. */
  static error<M extends Record<string, unknown> = Record<string, unknown>>(content: string, metadata?: M): ToolResult<M> {
    return new ToolResult(content, metadata, { isError: true });
  }

  /**
   * `instanceof ToolResult` checks the brand, so it also holds for a result made by the other build
   * (CommonJS or ESM) or another copy of this package; subclasses keep ordinary `instanceof`.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return this === ToolResult ? ToolResult.is(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** True for a `ToolResult`, also one made by another copy of this package. */
  static is(value: unknown): value is ToolResult {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TOOL_RESULT_BRAND] === true;
  }

  /** Normalises what an invoker returned: a string becomes a `ToolResult` with empty metadata. */
  static from(output: string | ToolResult): ToolResult {
    if (typeof output === 'string') return new ToolResult(output);
    if (ToolResult.is(output)) return output;
    throw new TypeError(
      `A tool invoker must return a string or a ToolResult, got ${describeValue(output)}. ` +
        'Use FunctionTool or a @Tool method if you want other values JSON-serialised for you.',
    );
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return typeof value;
}
