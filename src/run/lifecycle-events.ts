import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ToolCall } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';
import type { Interruption, RunState } from './run-state.js';
import type { StreamResult } from './stream-result.js';
import type { StreamEvent } from './stream-events.js';

/** A model request is about to be sent. */
export interface IterationStartedEvent {
  /** Discriminator; handled by `onIterationStarted` / `@OnIterationStarted()`. */
  readonly type: 'iteration.started';
  /** Zero-based. */
  readonly index: number;
  /** The messages sent in this request (do not mutate). */
  readonly messages: readonly ChatCompletionMessageParam[];
}
/** An event of the streamed response of iteration `iteration`. */
export interface StreamEventEvent {
  /**
   * Discriminator. Only `streamUntilUserInputEvents` and `Agent.stream` yield this wrapper; hooks get
   * the inner `event` itself.
   */
  readonly type: 'stream.event';
  /** Zero-based index of the model request the event belongs to (the `index` of its `iteration.started`). */
  readonly iteration: number;
  /** The stream event, yielded after its hooks ran. */
  readonly event: StreamEvent;
}
/** The model's answer of one iteration is complete. */
export interface IterationCompletedEvent {
  /** Discriminator; handled by `onIterationCompleted` / `@OnIterationCompleted()`. */
  readonly type: 'iteration.completed';
  /** Zero-based, the same as in the iteration's `iteration.started`. */
  readonly index: number;
  /** Token usage of this request, when the provider reported it. */
  readonly usage: CompletionUsage | null;
  /** The assistant message appended to the history. */
  readonly assistantMessage: ChatCompletionAssistantMessageParam;
  /** The full completion as accumulated by the OpenAI SDK. */
  readonly completion: ChatCompletion;
  /**
   * The model the answering request was sent to: the run's, the one `prepareStep` chose, or one of
   * `fallbackModels` (`completion.model` is the provider's own name for it).
   */
  readonly model: string;
}
/**
 * A model request failed before or during its stream and is sent again (`retry`), possibly to the
 * next of `fallbackModels`. Hooks and the event stream already saw the failed attempt's stream
 * events: drop what you built from them (text shown, arguments parsed); the next attempt's events
 * start from scratch, and nothing of the failed attempt reaches the run's messages or result.
 */
export interface StreamRetryEvent {
  /** Discriminator; handled by `onStreamRetry` / `@OnStreamRetry()`. */
  readonly type: 'stream.retry';
  /** Zero-based index of the model request (the `index` of its `iteration.started`). */
  readonly iteration: number;
  /** 1 for the first resend of this request, counting across models. */
  readonly attempt: number;
  /** Why the previous attempt failed: `StreamTimeoutError`, an OpenAI `APIError` (`RateLimitError`, ...), a connection error. */
  readonly error: unknown;
  /** The model the new attempt is sent to (the next of `fallbackModels` once the previous model's retries are used up). */
  readonly model: string;
  /** Milliseconds the engine waits before sending it: the provider's `retry-after`, else the backoff; 0 when switching models. */
  readonly delayMs: number;
}
/** A tool call is about to run. */
export interface ToolCallStartedEvent {
  /** Discriminator; handled by `onToolCallStarted` / `@OnToolCallStarted()`. */
  readonly type: 'tool_call.started';
  /** Zero-based index of the model request whose answer contained the call. */
  readonly iteration: number;
  /**
   * The call as the model made it: `id`, `function.name` and the raw JSON text of
   * `function.arguments`. A custom (free-form) tool call appears as a function call whose arguments
   * are its input.
   */
  readonly toolCall: ToolCall;
}
/** A tool call returned; its result is (or will be, in the model's order) in a `tool` message. */
export interface ToolCallCompletedEvent {
  /** Discriminator; handled by `onToolCallCompleted` / `@OnToolCallCompleted()`. */
  readonly type: 'tool_call.completed';
  /** Zero-based index of the model request whose answer contained the call. */
  readonly iteration: number;
  /** The call as the model made it (see {@link ToolCallStartedEvent.toolCall}). */
  readonly toolCall: ToolCall;
  /**
   * What the tool returned, after `toolCallOutputCallback` (which may have replaced it): `content`
   * is the `tool` message the model gets, `metadata` stays on your side.
   */
  readonly result: ToolResult;
  /** Wall-clock milliseconds (fractional) from just before the call started until it settled, `toolCallOutputCallback` included. */
  readonly durationMs: number;
}
/**
 * A tool call failed: it threw, timed out, had invalid arguments, named an unknown tool, or returned
 * a `ToolResult` with `isError`. `result` is what the model is told, when it is told anything.
 */
export interface ToolCallFailedEvent {
  /** Discriminator; handled by `onToolCallFailed` / `@OnToolCallFailed()`. */
  readonly type: 'tool_call.failed';
  /** Zero-based index of the model request whose answer contained the call. */
  readonly iteration: number;
  /** The call as the model made it (see {@link ToolCallStartedEvent.toolCall}). */
  readonly toolCall: ToolCall;
  /**
   * Why the call failed: what the invoker threw (`ToolArgumentsError`, `ToolTimeoutError`, your own
   * error, ...), `UnknownToolError`, `ToolCallCancelledError` for a sibling cancelled under
   * `onToolError: 'raise'`, the abort reason when the run was aborted, or `ToolReportedError` when
   * the tool returned `ToolResult.error(...)`.
   */
  readonly error: unknown;
  /**
   * The `tool` message content recorded for the call: the tool's own `ToolResult.error(...)`, or a
   * text made from `error` (its message, never a stack), after `toolCallOutputCallback`. Under
   * `'raise'` and `'abort'` it is still appended to the run's messages, but no further request is made.
   */
  readonly result: ToolResult;
  /** Wall-clock milliseconds (fractional) from just before the call started until it failed, `toolCallOutputCallback` included. */
  readonly durationMs: number;
}
/**
 * A running tool call reported progress: an MCP server's progress or log notification, or a tool
 * calling `reportProgress` of its invocation options. Arrives between the call's
 * `tool_call.started` and its `tool_call.completed` / `tool_call.failed`.
 */
export interface ToolCallProgressEvent {
  /** Discriminator; handled by `onToolCallProgress` / `@OnToolCallProgress()`. */
  readonly type: 'tool_call.progress';
  /** Zero-based index of the model request whose answer contained the call. */
  readonly iteration: number;
  /** The call as the model made it (see {@link ToolCallStartedEvent.toolCall}). */
  readonly toolCall: ToolCall;
  /** How far the work is, in the tool's own unit; grows with each report. */
  readonly progress: number;
  /** The value `progress` reaches when the work is done, when the tool knows it. */
  readonly total?: number | undefined;
  /** A human-readable note on the current step (for an MCP log notification, its text). */
  readonly message?: string | undefined;
}
/** The model answered without tool calls; the run is done. Always the last event of a successful run. */
export interface RunCompletedEvent {
  /** Discriminator; handled by `onRunCompleted` / `@OnRunCompleted()`. */
  readonly type: 'run.completed';
  /** The run's outcome, the same object `streamUntilUserInput` and `Agent.run` resolve to. */
  readonly result: StreamResult;
}
/**
 * The run stopped because calls wait for a person's approval; always the last event of such a run
 * (the approval-free calls of the turn have run). Record decisions on `state` and resume with it.
 */
export interface RunInterruptedEvent {
  /** Discriminator; handled by `onRunInterrupted` / `@OnRunInterrupted()`. */
  readonly type: 'run.interrupted';
  /** The paused run: decide with `state.approve()` / `state.reject()`, resume with `resume: state`. */
  readonly state: RunState;
  /** The calls that wait (also `state.interruptions`). */
  readonly interruptions: readonly Interruption[];
  /** What `streamUntilUserInput` / `Agent.run` resolve to: the history so far, `interruptions` and `state`. */
  readonly result: StreamResult;
}

/**
 * The run's state after a completed model turn, and again after its tool batch (with the run option
 * `checkpointToolCalls`, also after each call of the batch): store it to resume the run from here
 * (another process, after a crash) without repeating a completed model request or tool call.
 */
export interface RunCheckpointEvent {
  /** Discriminator; handled by `onCheckpoint` / `@OnCheckpoint()`. */
  readonly type: 'run.checkpoint';
  /** Zero-based index of the model request the checkpoint follows. */
  readonly iteration: number;
  /**
   * What completed just before: the model turn (`model`), its tool calls (`tools`), or, with
   * `checkpointToolCalls`, one call of the batch (`tool_call`; the others may still run).
   */
  readonly after: 'model' | 'tools' | 'tool_call';
  /** With `after: 'tool_call'`: the call that settled. */
  readonly toolCall?: ToolCall | undefined;
  /** The run as it stands; `resume: state` goes on from here. */
  readonly state: RunState;
}

/** The run failed. Always the last event of a failed run; nothing produced before is lost. */
export interface RunFailedEvent {
  /** Discriminator; handled by `onRunFailed` / `@OnRunFailed()`. */
  readonly type: 'run.failed';
  /**
   * What ended the run, the error `streamUntilUserInput` rejects with: `RunAbortedError`,
   * `MaxIterationsReached`, `ToolCallError`, `HookError`, `OutputValidationError`, an OpenAI
   * `APIError`, what a tool threw under `onToolError: 'raise'`, ... An error object also carries
   * `messages` as `error.messages` (non-enumerable unless it is a `RunError`).
   */
  readonly error: unknown;
  /** Every message of the run so far: the input, then each assistant and tool message produced. */
  readonly messages: ChatCompletionMessageParam[];
}

/** What {@link streamUntilUserInputEvents} yields, discriminated by `type`. */
export type LifecycleEvent =
  | IterationStartedEvent
  | StreamEventEvent
  | IterationCompletedEvent
  | StreamRetryEvent
  | ToolCallStartedEvent
  | ToolCallCompletedEvent
  | ToolCallFailedEvent
  | ToolCallProgressEvent
  | RunCompletedEvent
  | RunFailedEvent
  | RunInterruptedEvent
  | RunCheckpointEvent;

/** The `type` of a {@link LifecycleEvent}. */
export type LifecycleEventType = LifecycleEvent['type'];
