import type {
  IterationCompletedEvent,
  IterationStartedEvent,
  RunCompletedEvent,
  RunCheckpointEvent,
  RunFailedEvent,
  RunInterruptedEvent,
  StreamRetryEvent,
  ToolCallCompletedEvent,
  ToolCallFailedEvent,
  ToolCallProgressEvent,
  ToolCallStartedEvent,
} from '../run/lifecycle-events.js';
import type {
  ChunkEvent,
  ContentDeltaEvent,
  ContentDoneEvent,
  FunctionToolCallArgumentsDeltaEvent,
  FunctionToolCallArgumentsDoneEvent,
  LogprobsContentDeltaEvent,
  LogprobsContentDoneEvent,
  LogprobsRefusalDeltaEvent,
  LogprobsRefusalDoneEvent,
  ReasoningDeltaEvent,
  ReasoningDoneEvent,
  RefusalDeltaEvent,
  RefusalDoneEvent,
  StreamEvent,
} from '../run/stream-events.js';
import type { RunInfo } from '../run/run-info.js';

/* eslint-disable @typescript-eslint/no-unused-vars */

/**
 * Receives the events of a run. Every method is a no-op: override what you need. The engine only
 * calls methods you override (resolved once per class), so an empty handler costs nothing.
 *
 * Hooks are awaited in order: the next chunk is not processed until the hooks of the previous one
 * have settled. A hook that throws fails the run with a `HookError` (see the README).
 *
 * @example
 * ```ts
 * class Printer extends ChatCompletionStreamHandler {
 *   override async onContentDelta(event: ContentDeltaEvent) { process.stdout.write(event.delta); }
 * }
 * ```
 */
export class ChatCompletionStreamHandler<C = any> {
  /** Every stream event, before the more specific hook. */
  async onEvent(event: StreamEvent, run: RunInfo<C>): Promise<void> {}
  /** Every raw chunk (after provider quirks are normalised). */
  async onChunk(event: ChunkEvent, run: RunInfo<C>): Promise<void> {}
  /** Each piece of assistant text. */
  async onContentDelta(event: ContentDeltaEvent, run: RunInfo<C>): Promise<void> {}
  /** The full assistant text. */
  async onContentDone(event: ContentDoneEvent, run: RunInfo<C>): Promise<void> {}
  /** Each piece of a refusal. */
  async onRefusalDelta(event: RefusalDeltaEvent, run: RunInfo<C>): Promise<void> {}
  /** The full refusal. */
  async onRefusalDone(event: RefusalDoneEvent, run: RunInfo<C>): Promise<void> {}
  /** Each fragment of a tool call's arguments. */
  async onToolCallsFunctionArgumentsDelta(event: FunctionToolCallArgumentsDeltaEvent, run: RunInfo<C>): Promise<void> {}
  /** A tool call's complete arguments. */
  async onToolCallsFunctionArgumentsDone(event: FunctionToolCallArgumentsDoneEvent, run: RunInfo<C>): Promise<void> {}
  /** Log probabilities of new content tokens. */
  async onLogprobsContentDelta(event: LogprobsContentDeltaEvent, run: RunInfo<C>): Promise<void> {}
  /** All content log probabilities. */
  async onLogprobsContentDone(event: LogprobsContentDoneEvent, run: RunInfo<C>): Promise<void> {}
  /** Log probabilities of new refusal tokens. */
  async onLogprobsRefusalDelta(event: LogprobsRefusalDeltaEvent, run: RunInfo<C>): Promise<void> {}
  /** All refusal log probabilities. */
  async onLogprobsRefusalDone(event: LogprobsRefusalDoneEvent, run: RunInfo<C>): Promise<void> {}
  /** Each piece of reasoning text (`reasoning_content` / `reasoning` providers). */
  async onReasoningDelta(event: ReasoningDeltaEvent, run: RunInfo<C>): Promise<void> {}
  /** The full reasoning text of a turn. */
  async onReasoningDone(event: ReasoningDoneEvent, run: RunInfo<C>): Promise<void> {}

  /** A model request is about to be sent. */
  async onIterationStarted(event: IterationStartedEvent, run: RunInfo<C>): Promise<void> {}
  /** A model answer is complete. */
  async onIterationCompleted(event: IterationCompletedEvent, run: RunInfo<C>): Promise<void> {}
  /**
   * A failed model request is sent again (`retry`, `fallbackModels`). The stream events of the failed
   * attempt already reached the hooks: drop what you built from them; the new attempt starts from scratch.
   */
  async onStreamRetry(event: StreamRetryEvent, run: RunInfo<C>): Promise<void> {}
  /** A tool call is about to run. */
  async onToolCallStarted(event: ToolCallStartedEvent, run: RunInfo<C>): Promise<void> {}
  /** A tool call returned. */
  async onToolCallCompleted(event: ToolCallCompletedEvent, run: RunInfo<C>): Promise<void> {}
  /** A tool call failed. */
  async onToolCallFailed(event: ToolCallFailedEvent, run: RunInfo<C>): Promise<void> {}
  /** A running tool call reported progress (e.g. an MCP server's progress notification). */
  async onToolCallProgress(event: ToolCallProgressEvent, run: RunInfo<C>): Promise<void> {}
  /** The run finished. */
  async onRunCompleted(event: RunCompletedEvent, run: RunInfo<C>): Promise<void> {}
  /** The run failed. */
  async onRunFailed(event: RunFailedEvent, run: RunInfo<C>): Promise<void> {}
  /** The run stopped because calls wait for approval; decide on `event.state` and resume with it. */
  async onRunInterrupted(event: RunInterruptedEvent, run: RunInfo<C>): Promise<void> {}
  /** The run's state after a model turn or its tool batch; store it to resume from here. */
  async onCheckpoint(event: RunCheckpointEvent, run: RunInfo<C>): Promise<void> {}
}
