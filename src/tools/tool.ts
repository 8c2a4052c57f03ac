import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import { ToolArgumentsError } from './errors.js';
import { ToolResult } from './tool-result.js';

/** The tool call as the model produced it (`id`, `function.name`, `function.arguments` as JSON text). */
export type ToolCall = ChatCompletionMessageFunctionToolCall;

/** What an invoker may return: the content string, or a {@link ToolResult} with metadata. */
export type ToolOutput = string | ToolResult;

/** Per-call information handed to every invoker next to the run's `context`. */
export interface ToolInvocationOptions {
  /**
   * Aborted when the run is aborted, when the tool's `timeout` elapses, or when a sibling call fails
   * under `onToolError: 'raise'`. Pass it on to `fetch`, database drivers, child processes.
   */
  readonly signal: AbortSignal;
  /** Zero-based index of the model request whose answer contained this call. */
  readonly iteration: number;
  /**
   * Reports progress of this call as a `tool_call.progress` event (hooks: `onToolCallProgress`).
   * Present when the engine runs the call; reports after the call settled are dropped.
   */
  readonly reportProgress?: (update: ToolProgressUpdate) => void;
  /**
   * `runId:iteration:callId`: the same for every execution of this call, also when a resumed run
   * (after a crash, on another worker) runs it again. Pass it to the system the tool changes (a
   * payment API's idempotency key, a unique column) to make the call's effect happen once. Present
   * when the engine runs the call.
   */
  readonly idempotencyKey?: string;
}

/** One progress report of a running tool call; see {@link ToolInvocationOptions.reportProgress}. */
export interface ToolProgressUpdate {
  /** How far the work is, in the tool's own unit; should grow with each report. */
  readonly progress: number;
  /** The value `progress` reaches when the work is done, if known. */
  readonly total?: number | undefined;
  /** A human-readable note on the current step. */
  readonly message?: string | undefined;
}

/**
 * Runs one tool call. Receives the whole tool call (id, name, raw JSON arguments), the run's
 * `context` unchanged, and per-call options (abort signal, iteration). The engine always passes all
 * three; `options` is optional so an invoker can also be called the seed's way, `(toolCall, context)`:
 * every invoker this library builds then runs with a signal that never aborts and iteration `0`.
 */
export type ToolInvoker<C = any> = (
  toolCall: ToolCall,
  context: C,
  options?: ToolInvocationOptions,
) => ToolOutput | Promise<ToolOutput>;

/**
 * A tool: the schema the model sees and the invoker that runs it, carried together.
 * {@link FunctionTool}, `@Tool` methods and MCP toolsets all produce these.
 */
export interface Tool<C = any> {
  /** The Chat Completions tool definition sent in `tools`. */
  readonly schema: ChatCompletionFunctionTool;
  /** Runs a call of this tool. */
  readonly invoke: ToolInvoker<C>;
  /** Milliseconds after which a call fails with `ToolTimeoutError` (and its signal is aborted). */
  readonly timeout?: number | undefined;
  /** Who provides the tool, for error messages (e.g. `WeatherTools.getWeather`, `mcp server "fs"`). */
  readonly owner?: string | undefined;
  /** Whether a call waits for a person's decision before it runs; see {@link NeedsApproval}. */
  readonly needsApproval?: NeedsApproval<C> | undefined;
}

/**
 * Whether calls of a tool wait for a person's approval: always (`true`), never (`false`), or as a
 * function of the call's parsed arguments and the run's context says. A call that waits ends the
 * run with `run.interrupted`; the other calls of the turn run first.
 */
export type NeedsApproval<C = any> = boolean | ((args: any, context: C) => boolean | Promise<boolean>);

/**
 * Marks objects that supply tools dynamically: `@Toolset` instances are read through their metadata,
 * but anything implementing this symbol (MCP toolsets, your own registries) can be passed in `tools`.
 * The engine calls it before every model request, so the list may change during a run.
 */
export const TOOL_SOURCE: unique symbol = Symbol.for('chat-cmpl-stream-handler.toolSource') as any;

/**
 * A tool source may say whether its list changes: `[TOOL_SOURCE_DYNAMIC]: false` means it never does,
 * so the engine asks for it once per run instead of before every request.
 */
export const TOOL_SOURCE_DYNAMIC: unique symbol = Symbol.for('chat-cmpl-stream-handler.toolSourceDynamic') as any;

/** An object that supplies tools; see {@link TOOL_SOURCE}. */
export interface ToolSource<C = any> {
  /**
   * The tools to offer now. Called before every model request of a run that has this object in
   * `tools`, so the list may change between requests; names must stay unique across all tools.
   */
  [TOOL_SOURCE](): readonly Tool<C>[] | Promise<readonly Tool<C>[]>;
  /**
   * `false` when the list never changes: it is then asked for once per run (synchronous sources: once,
   * when an Agent is built) and merged once. Absent or `true`: asked before every request.
   */
  readonly [TOOL_SOURCE_DYNAMIC]?: boolean;
}

/** True when `value` implements {@link ToolSource}. */
export function isToolSource(value: unknown): value is ToolSource {
  return typeof value === 'object' && value !== null && typeof (value as any)[TOOL_SOURCE] === 'function';
}

/** True for a {@link Tool} object (schema + invoker). */
export function isTool(value: unknown): value is Tool {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Tool>;
  return typeof candidate.invoke === 'function' && isFunctionToolSchema(candidate.schema);
}

/** True for a raw Chat Completions function tool definition (`{ type: 'function', function: {...} }`). */
export function isFunctionToolSchema(value: unknown): value is ChatCompletionFunctionTool {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { type?: unknown; function?: { name?: unknown } };
  return candidate.type === 'function' && typeof candidate.function?.name === 'string';
}

/**
 * Parses a tool call's JSON arguments. An empty string means no arguments (`{}`), as some providers
 * send for parameterless tools.
 *
 * @throws {ToolArgumentsError} when the text is not JSON, naming the tool and the parser's complaint.
 */
export function argsFromToolCall<T = unknown>(toolCall: ToolCall): T {
  const text = toolCall.function.arguments;
  if (text === undefined || text === null || text.trim() === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ToolArgumentsError(
      toolCall.function.name,
      [{ path: '', message: `not valid JSON (${(error as Error).message})` }],
      { cause: error },
    );
  }
}

/** {@link argsFromToolCall}, or `undefined` when the arguments are not JSON. @internal */
export function argsOrUndefined(toolCall: ToolCall): unknown {
  try {
    return argsFromToolCall(toolCall);
  } catch {
    return undefined;
  }
}

/**
 * A tool call as a function call: custom (free-form) calls are routed by name like function calls,
 * their input standing for the arguments. @internal
 */
export function asFunctionCall(call: ChatCompletionMessageToolCall): ToolCall {
  if (call.type === 'function') return call;
  return { id: call.id, type: 'function', function: { name: call.custom.name, arguments: call.custom.input } };
}

/**
 * Turns what a tool function returned into the tool message: strings as they are, `ToolResult`
 * as it is, `undefined` as an empty string, anything else JSON-serialised.
 */
export function toToolResult(value: unknown): ToolResult {
  if (typeof value === 'string') return new ToolResult(value);
  if (ToolResult.is(value)) return value;
  if (value === undefined) return new ToolResult('');
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new TypeError(`Tool returned ${typeof value}, which cannot be serialised to JSON; return a string instead.`);
  }
  return new ToolResult(json);
}

