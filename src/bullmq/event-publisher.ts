import type { LifecycleEvent } from '../run/lifecycle-events.js';
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
 * tokens becomes a few dozen entries, and a slow one at most one write per `batchMs`.
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

  /** Buffers an event; returns a promise when the caller should wait before producing more. */
  push(event: LifecycleEvent): Promise<void> | undefined {
    const wire = encodeEvent(event);
    if (!wire || this.failed) return undefined;
    this.buffer.push(wire);
    if (wire.type !== 'stream.event') this.urgent = true;
    this.schedule();
    return this.buffer.length >= HIGH_WATER ? this.inFlight : undefined;
  }

  /** Waits for the write in flight; returns what is still buffered, for the attempt's last write. */
  async drain(): Promise<PendingEvents> {
    this.cancelTimers();
    while (this.inFlight) await this.inFlight;
    this.cancelTimers();
    const batch = this.buffer;
    this.buffer = [];
    return { payload: batch.length === 0 ? '' : JSON.stringify(batch), iterationEntry: startsIteration(batch) ? '' : this.iterationEntry };
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
    const starts = startsIteration(batch);
    this.inFlight = this.record.append(JSON.stringify(batch), starts ? '' : this.iterationEntry).then(
      (id) => {
        if (starts) this.iterationEntry = id;
      },
      (error: unknown) => {
        this.failed = true;
        this.buffer = [];
        this.onFailure(error);
      },
    );
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
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

function startsIteration(batch: readonly WireEvent[]): boolean {
  return batch.some((event) => event.type === 'iteration.started');
}
