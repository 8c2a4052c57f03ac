import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ToolCall } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';
import type { StreamResult } from './stream-result.js';
import type { StreamEvent } from './stream-events.js';

/** A model request is about to be sent. */
export interface IterationStartedEvent {
  readonly type: 'iteration.started';
  /** Zero-based. */
  readonly index: number;
  /** The messages sent in this request (do not mutate). */
  readonly messages: readonly ChatCompletionMessageParam[];
}
/** An event of the streamed response of iteration `iteration`. */
export interface StreamEventEvent {
  readonly type: 'stream.event';
  readonly iteration: number;
  readonly event: StreamEvent;
}
/** The model's answer of one iteration is complete. */
export interface IterationCompletedEvent {
  readonly type: 'iteration.completed';
  readonly index: number;
  /** Token usage of this request, when the provider reported it. */
  readonly usage: CompletionUsage | null;
  /** The assistant message appended to the history. */
  readonly assistantMessage: ChatCompletionAssistantMessageParam;
  /** The full completion as accumulated by the OpenAI SDK. */
  readonly completion: ChatCompletion;
}
/** A tool call is about to run. */
export interface ToolCallStartedEvent {
  readonly type: 'tool_call.started';
  readonly iteration: number;
  readonly toolCall: ToolCall;
}
/** A tool call returned; its result is (or will be, in the model's order) in a `tool` message. */
export interface ToolCallCompletedEvent {
  readonly type: 'tool_call.completed';
  readonly iteration: number;
  readonly toolCall: ToolCall;
  readonly result: ToolResult;
  readonly durationMs: number;
}
/**
 * A tool call failed: it threw, timed out, had invalid arguments, named an unknown tool, or returned
 * a `ToolResult` with `isError`. `result` is what the model is told, when it is told anything.
 */
export interface ToolCallFailedEvent {
  readonly type: 'tool_call.failed';
  readonly iteration: number;
  readonly toolCall: ToolCall;
  readonly error: unknown;
  readonly result: ToolResult | undefined;
  readonly durationMs: number;
}
/** The model answered without tool calls; the run is done. Always the last event of a successful run. */
export interface RunCompletedEvent {
  readonly type: 'run.completed';
  readonly result: StreamResult;
}
/** The run failed. Always the last event of a failed run; nothing produced before is lost. */
export interface RunFailedEvent {
  readonly type: 'run.failed';
  readonly error: unknown;
  /** Every message of the run so far: the input, then each assistant and tool message produced. */
  readonly messages: ChatCompletionMessageParam[];
}

/** What {@link streamUntilUserInputEvents} yields, discriminated by `type`. */
export type LifecycleEvent =
  | IterationStartedEvent
  | StreamEventEvent
  | IterationCompletedEvent
  | ToolCallStartedEvent
  | ToolCallCompletedEvent
  | ToolCallFailedEvent
  | RunCompletedEvent
  | RunFailedEvent;

/** The `type` of a {@link LifecycleEvent}. */
export type LifecycleEventType = LifecycleEvent['type'];
