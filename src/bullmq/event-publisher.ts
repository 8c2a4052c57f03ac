import { HANDLER_METHODS } from '../run/event-names.js';
import type { LifecycleEvent, RunCheckpointEvent } from '../run/lifecycle-events.js';
import type { RunInfo } from '../run/run-info.js';
import type { StreamEvent, StreamEventType } from '../run/stream-events.js';
import { encodeEvent, type WireEvent } from './event-codec.js';
import type { PendingEvents, RunRecord } from './run-record.js';

/** Most events in one stream entry. */
const MAX_EVENTS_PER_ENTRY = 2_000;
/** Buffered events past which the run waits for the write in flight (Redis is slower than the model). */
const HIGH_WATER = 10_000;

/**
 * Publishes a run's events to its Redis stream in batches: one write in flight at a time, and what
 * arrives meanwhile goes into the next entry. Lifecycle events are written at once (on the next turn
 * of the event loop); stream events (deltas) wait up to `batchMs` for company, so a fast answer of 20k
 * tokens becomes a few dozen entries, and a slow one at most one write per `batchMs`. A checkpoint is
 * written together with the events before it.
 */
export class EventPublisher {
  private buffer: WireEvent[] = [];
  private urgent = false;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private iterationEntry = '';
  private failed = false;

  /** @param onFailure - a write failed (Redis gone, or the lock lost): the run should stop. */
  constructor(
    private readonly record: RunRecord,
    private readonly batchMs: number,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /**
   * The hooks that feed it, for the run's `handlers`: the lifecycle events, the selected stream
   * events, and the checkpoints (hooks see every event in order, before the run goes on).
   */
  hooks(streamEvents: readonly StreamEventType[]): object {
    const publish = (event: LifecycleEvent) => this.push(event);
    const hooks: Record<string, (event: any, run: RunInfo) => unknown> = {
      onIterationStarted: publish,
      onIterationCompleted: publish,
      onToolCallStarted: publish,
      onToolCallCompleted: publish,
      onToolCallFailed: publish,
      onToolCallProgress: publish,
      onCheckpoint: (event: RunCheckpointEvent) => this.checkpoint(JSON.stringify(event.state)),
    };
    for (const type of streamEvents) {
      hooks[HANDLER_METHODS[type]] = (event: StreamEvent, run: RunInfo) => this.push({ type: 'stream.event', iteration: run.iteration, event });
    }
    return hooks;
  }

  /** Buffers an event; returns a promise when the caller should wait before producing more. */
  push(event: LifecycleEvent): Promise<void> | undefined {
    const wire = encodeEvent(event);
    if (!wire || this.failed) return undefined;
    this.buffer.push(wire);
    if (wire.type !== 'stream.event') this.urgent = true;
    this.schedule();
    return this.buffer.length >= HIGH_WATER ? this.inFlight : undefined;
  }

  /** Writes the events so far and the checkpoint together; resolves once both are in Redis. */
  async checkpoint(stateJson: string): Promise<void> {
    const pending = await this.take();
    const write = this.record.checkpoint(stateJson, pending).then((id) => {
      if (pending.startsIteration && id) this.iterationEntry = id;
    });
    this.track(write.catch(() => {}));
    await write;
  }

  /** Waits for the write in flight; returns what is still buffered, for the attempt's last write. */
  drain(): Promise<PendingEvents> {
    return this.take();
  }

  private async take(): Promise<PendingEvents> {
    this.cancelTimers();
    while (this.inFlight) await this.inFlight;
    this.cancelTimers();
    const batch = this.buffer;
    this.buffer = [];
    this.urgent = false;
    const startsIteration = batch.some((event) => event.type === 'iteration.started');
    return { payload: batch.length === 0 ? '' : JSON.stringify(batch), iterationEntry: startsIteration ? '' : this.iterationEntry, startsIteration };
  }

  private schedule(): void {
    if (this.inFlight || this.buffer.length === 0) return;
    if (this.urgent || this.buffer.length >= MAX_EVENTS_PER_ENTRY) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate ??= setImmediate(() => this.flush());
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.batchMs);
    }
  }

  private flush(): void {
    this.cancelTimers();
    if (this.inFlight || this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, MAX_EVENTS_PER_ENTRY);
    this.urgent = this.buffer.some((event) => event.type !== 'stream.event');
    const starts = batch.some((event) => event.type === 'iteration.started');
    this.track(
      this.record.append(JSON.stringify(batch), starts ? '' : this.iterationEntry).then(
        (id) => {
          if (starts) this.iterationEntry = id;
        },
        (error: unknown) => {
          this.failed = true;
          this.buffer = [];
          this.onFailure(error);
        },
      ),
    );
  }

  /** One write at a time: the next flush waits for this one. */
  private track(write: Promise<void>): void {
    this.inFlight = write;
    void write.finally(() => {
      if (this.inFlight === write) this.inFlight = undefined;
      this.schedule();
    });
  }

  private cancelTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
