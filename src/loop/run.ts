import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionAssistantMessageParam, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { HookTable } from '../hooks/hook-table.js';
import { RunAbortedError } from '../run/errors.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { RunInfo } from '../run/run-info.js';
import { RUN_STATE_VERSION, RunState, type Interruption, type RunStateJSON, type SigningKey } from '../run/run-state.js';
import type { StreamEvent, StreamEventType } from '../run/stream-events.js';
import { StreamResult } from '../run/stream-result.js';
import type { ToolResult } from '../tools/tool-result.js';
import { childController } from './abort.js';
import { toAssistantParam, toolMessage } from './messages.js';
import type { StreamUntilUserInputOptions } from './options.js';
import type { RunPlan } from './run-plan.js';
import type { StreamEventConsumer } from './turn-stream.js';
import type { RunTracing } from '../telemetry/tracing.js';

/** Where the engine delivers lifecycle events after their hooks ran. */
export interface EventSink {
  /** Whether it takes `stream.event`s (those `options.streamEvents` selects; hooks get stream events either way). */
  readonly streamEvents: boolean;
  /** Whether it takes the other lifecycle events (else only the terminal one). */
  readonly lifecycleEvents: boolean;
  /** Receives each event; a returned promise holds the run until it settles (backpressure). */
  emit(event: LifecycleEvent): void | Promise<void>;
}

/**
 * The state of one run: its history, usages and completions, its abort signal, and the one way its
 * events go out ({@link deliver}: the hooks first, then the sink).
 */
export class Run<C, O> {
  private id: string;
  readonly messages: ChatCompletionMessageParam[] = [];
  readonly usages: CompletionUsage[] = [];
  readonly completions: ChatCompletion[] = [];
  readonly signal: AbortSignal;
  private readonly controller: AbortController;
  private readonly disposeController: () => void;
  private hooks: HookTable | undefined;
  private yielded: ReadonlySet<StreamEventType> = new Set();
  private runInfo: RunInfo<C>;

  /**
   * @param stop - aborts the run like `options.signal`, for adapters whose consumer went away.
   * @param telemetry - the run's spans and metrics, when its `telemetry` option is on.
   */
  constructor(
    options: StreamUntilUserInputOptions<C, O> | undefined,
    private readonly sink: EventSink,
    private readonly stop?: AbortSignal,
    readonly telemetry?: RunTracing,
  ) {
    this.id = typeof options?.runId === 'string' && options.runId !== '' ? options.runId : randomUUID();
    const { controller, dispose } = childController(options?.signal);
    this.controller = controller;
    this.disposeController = dispose;
    this.signal = controller.signal;
    if (stop?.aborted) this.onStop();
    else stop?.addEventListener('abort', this.onStop, { once: true });
    this.runInfo = { runId: this.id, iteration: 0, context: options?.context as C, signal: this.signal };
  }

  /** Unique per run; a resumed run keeps the id of the run it continues. */
  get runId(): string {
    return this.id;
  }

  /** Continues a paused run: its id, history, usages and completions. */
  continueFrom(state: RunStateJSON): void {
    this.id = state.runId;
    this.runInfo = { ...this.runInfo, runId: state.runId };
    this.messages.push(...state.messages);
    this.usages.push(...state.usages);
    this.completions.push(...state.completions);
  }

  /** Whether anybody takes events of `type` (a hook, or a sink that takes lifecycle events). */
  listensTo(type: LifecycleEvent['type']): boolean {
    return this.sink.lifecycleEvents || (this.hooks?.has(type) ?? false);
  }

  /**
   * The run as a {@link RunState}: a snapshot of the history so far (messages are never changed once
   * recorded, so copying the arrays is enough) and where to go on.
   */
  snapshot(next: RunStateJSON['next'], iteration: number, pending: RunStateJSON['pending'], tools: RunStateJSON['tools'], key: SigningKey | undefined): RunState {
    return new RunState(
      {
        type: 'chat-cmpl-stream-handler/run-state',
        version: RUN_STATE_VERSION,
        runId: this.id,
        next,
        iteration,
        messages: this.messages.slice(),
        usages: this.usages.slice(),
        completions: this.completions.slice(),
        pending,
        tools,
      },
      key,
    );
  }

  /** What hooks receive beside each event. */
  get info(): RunInfo<C> {
    return this.runInfo;
  }

  /** Hooks and the sink get events as the plan says from now on (before, only the sink gets the terminal event). */
  usePlan(plan: RunPlan<C, O>): void {
    this.hooks = plan.hooks;
    this.yielded = plan.yieldedStreamEvents;
  }

  /** Starts request `iteration`: hooks see it in `run.iteration`. */
  enterIteration(iteration: number): void {
    this.runInfo = { ...this.runInfo, iteration };
  }

  /** @throws the abort reason once the run is aborted. */
  throwIfAborted(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }

  /**
   * Hands an event to the hooks, then to the sink; a promise only when one of them awaits. A
   * `stream.event` reaches hooks as the stream event itself, and the sink only when it wants them.
   */
  deliver(event: LifecycleEvent): void | Promise<void> {
    const isStream = event.type === 'stream.event';
    const hooked = this.hooks?.dispatch(isStream ? event.event : event, this.runInfo);
    if (isStream && !this.yielded.has(event.event.type)) return hooked;
    if (hooked) return hooked.then(() => this.sink.emit(event));
    return this.sink.emit(event);
  }

  /**
   * Delivers the terminal event: to the sink even when a hook fails, since the reader waits for it.
   * @returns what a hook threw, if one did.
   */
  async deliverLast(event: LifecycleEvent): Promise<unknown> {
    let hookError: unknown;
    try {
      await this.hooks?.dispatch(event, this.runInfo);
    } catch (error) {
      hookError = error ?? new Error('A hook threw undefined.');
    }
    await this.sink.emit(event);
    return hookError;
  }

  /** Delivers the stream events of request `iteration` (see {@link deliver}). */
  streamConsumer(iteration: number): StreamEventConsumer {
    return (event: StreamEvent) => this.deliver({ type: 'stream.event', iteration, event });
  }

  /** Appends the answer of a request to the history; returns the assistant message as sent back. */
  recordCompletion(completion: ChatCompletion): ChatCompletionAssistantMessageParam {
    const assistantMessage = toAssistantParam(completion.choices[0]!.message);
    this.messages.push(assistantMessage);
    this.completions.push(completion);
    if (completion.usage) this.usages.push(completion.usage);
    return assistantMessage;
  }

  /** Appends one tool message per call, in the model's order. */
  recordToolResults(callIds: readonly string[], contents: readonly string[]): void {
    callIds.forEach((id, index) => this.messages.push(toolMessage(id, contents[index]!)));
  }

  /** The outcome of a run that completed (after a stop condition: with its final tool result), or (with `pause`) that was interrupted. */
  result(parsed?: O, finalToolResult?: ToolResult, pause?: { state: RunState; interruptions: readonly Interruption[] }): StreamResult<O> {
    return new StreamResult<O>(this.messages, this.usages, this.completions, parsed, finalToolResult, pause);
  }

  /** Aborts whatever is still running with `reason` (no-op once aborted). */
  abort(reason: unknown): void {
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  /** Ends the run's signal and stops following the caller's. */
  dispose(): void {
    this.abort(new Error('The run ended.'));
    this.disposeController();
    this.stop?.removeEventListener('abort', this.onStop);
  }

  private readonly onStop = (): void => {
    this.abort(new RunAbortedError(new Error('The consumer stopped reading the run events.')));
  };
}
