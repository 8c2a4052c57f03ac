import type { LifecycleEventType } from './lifecycle-events.js';
import type { StreamEventType } from './stream-events.js';

/** Events a hook can listen to: every stream event type, every lifecycle type but `stream.event`, and `*` (all stream events). */
export type HookEventType = StreamEventType | Exclude<LifecycleEventType, 'stream.event'> | '*';

/**
 * Method name of {@link ChatCompletionStreamHandler} for each event it can receive, in the order
 * they are resolved. `onEvent` (`*`) receives every stream event before the specific hook.
 */
export const HANDLER_METHODS = {
  '*': 'onEvent',
  chunk: 'onChunk',
  'content.delta': 'onContentDelta',
  'content.done': 'onContentDone',
  'refusal.delta': 'onRefusalDelta',
  'refusal.done': 'onRefusalDone',
  'tool_calls.function.arguments.delta': 'onToolCallsFunctionArgumentsDelta',
  'tool_calls.function.arguments.done': 'onToolCallsFunctionArgumentsDone',
  'logprobs.content.delta': 'onLogprobsContentDelta',
  'logprobs.content.done': 'onLogprobsContentDone',
  'logprobs.refusal.delta': 'onLogprobsRefusalDelta',
  'logprobs.refusal.done': 'onLogprobsRefusalDone',
  'reasoning.delta': 'onReasoningDelta',
  'reasoning.done': 'onReasoningDone',
  'iteration.started': 'onIterationStarted',
  'iteration.completed': 'onIterationCompleted',
  'stream.retry': 'onStreamRetry',
  'tool_call.started': 'onToolCallStarted',
  'tool_call.completed': 'onToolCallCompleted',
  'tool_call.failed': 'onToolCallFailed',
  'tool_call.progress': 'onToolCallProgress',
  'run.completed': 'onRunCompleted',
  'run.failed': 'onRunFailed',
  'run.interrupted': 'onRunInterrupted',
  'run.checkpoint': 'onCheckpoint',
} as const satisfies Record<HookEventType, string>;

/** Stream event types (hooks on `*` receive exactly these). */
export const STREAM_EVENT_TYPES: readonly StreamEventType[] = [
  'chunk',
  'content.delta',
  'content.done',
  'refusal.delta',
  'refusal.done',
  'tool_calls.function.arguments.delta',
  'tool_calls.function.arguments.done',
  'logprobs.content.delta',
  'logprobs.content.done',
  'logprobs.refusal.delta',
  'logprobs.refusal.done',
  'reasoning.delta',
  'reasoning.done',
];
