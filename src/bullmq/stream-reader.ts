import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A stream entry as ioredis returns it: its id and its fields, flat (`[name, value, name, value, ...]`). */
export type StreamEntry = [id: string, fields: string[]];

/** Entries read per stream and round trip. */
const COUNT = 200;
/** The longest a read blocks; a safety net only, since a new subscription wakes the reader at once. */
const BLOCK_MS = 10_000;
/** How long an unused wake stream lives in Redis. */
const WAKE_TTL_SECONDS = 3_600;

interface Subscription {
  readonly key: string;
  lastId: string;
  paused: boolean;
  readonly deliver: (entries: StreamEntry[]) => boolean;
  readonly ended: () => void;
}

/** Follows one stream from an entry on; `resume()` after `deliver` returned false (its reader is full). */
export interface StreamSubscription {
  resume(): void;
  close(): void;
}

/**
 * Follows any number of Redis streams over one blocking connection: a single `XREAD BLOCK` names
 * every followed stream, so a process streaming a thousand runs to its clients holds one connection
 * for them, not a thousand. A new subscription wakes the waiting read by adding an entry to a stream of
 * the reader's own, which that read also names: unlike `CLIENT UNBLOCK`, a wake sent just before the
 * read starts is not lost.
 */
export class StreamReader {
  private readonly subscriptions = new Set<Subscription>();
  private readonly wakeKey: string;
  private wakeId = '0-0';
  private blocked = false;
  private wakeSent = false;
  private closed = false;
  private loop: Promise<void> | undefined;
  private idle: (() => void) | undefined;

  /**
   * @param blocking - a connection for the reader alone (it blocks on it).
   * @param commands - any other connection, to send the wake-ups.
   */
  constructor(
    private readonly blocking: Redis,
    private readonly commands: Redis,
    wakeKeyOf: (readerId: string) => string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.wakeKey = wakeKeyOf(randomUUID());
  }

  /**
   * Delivers the entries of `key` after `fromId`, in order, as they arrive. `deliver` returns false
   * to pause the subscription until `resume()`; `ended` is called if the reader closes first.
   */
  subscribe(key: string, fromId: string, deliver: (entries: StreamEntry[]) => boolean, ended: () => void): StreamSubscription {
    const subscription: Subscription = { key, lastId: fromId, paused: false, deliver, ended };
    if (this.closed) {
      ended();
      return { resume: () => {}, close: () => {} };
    }
    this.subscriptions.add(subscription);
    this.changed();
    return {
      resume: () => {
        if (!subscription.paused) return;
        subscription.paused = false;
        this.changed();
      },
      close: () => {
        this.subscriptions.delete(subscription);
      },
    };
  }

  /** Stops reading (the blocking connection is the caller's to close, which ends a read in flight). */
  close(): void {
    this.closed = true;
    this.idle?.();
    for (const subscription of this.subscriptions) subscription.ended();
    this.subscriptions.clear();
  }

  private changed(): void {
    if (this.closed) return;
    this.loop ??= this.run().catch((error: unknown) => this.onError(error));
    if (this.idle) {
      this.idle();
    } else if (this.blocked && !this.wakeSent) {
      this.wakeSent = true;
      this.commands
        .multi()
        .xadd(this.wakeKey, 'MAXLEN', '1', '*', 'w', '1')
        .expire(this.wakeKey, WAKE_TTL_SECONDS)
        .exec()
        .catch((error: unknown) => this.onError(error));
    }
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      // One XREAD position per stream: the earliest of its subscriptions; each filters what it saw.
      const positions = new Map<string, string>();
      for (const subscription of this.subscriptions) {
        if (subscription.paused) continue;
        const at = positions.get(subscription.key);
        if (at === undefined || compareIds(subscription.lastId, at) < 0) positions.set(subscription.key, subscription.lastId);
      }
      if (positions.size === 0) {
        await new Promise<void>((resolve) => (this.idle = resolve));
        this.idle = undefined;
        continue;
      }
      const keys = [this.wakeKey, ...positions.keys()];
      const ids = [this.wakeId, ...positions.values()];
      this.blocked = true;
      let reply: [string, StreamEntry[]][] | null;
      try {
        reply = (await this.blocking.xread('COUNT', COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...ids)) as [string, StreamEntry[]][] | null;
      } catch (error) {
        if (this.closed) return;
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      } finally {
        this.blocked = false;
        this.wakeSent = false;
      }
      for (const [key, entries] of reply ?? []) {
        if (key === this.wakeKey) {
          this.wakeId = entries.at(-1)![0];
          continue;
        }
        for (const subscription of this.subscriptions) {
          if (subscription.key !== key || subscription.paused) continue;
          const fresh = entries.filter(([id]) => compareIds(id, subscription.lastId) > 0);
          if (fresh.length === 0) continue;
          subscription.lastId = fresh.at(-1)![0];
          if (!subscription.deliver(fresh)) subscription.paused = true;
        }
      }
    }
  }
}

/** Orders stream ids (`<ms>-<seq>`). */
export function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-');
  const [bMs, bSeq] = b.split('-');
  const ms = Number(aMs) - Number(bMs);
  return ms !== 0 ? ms : Number(aSeq ?? 0) - Number(bSeq ?? 0);
}

/** A field of a stream entry. */
export function fieldOf(entry: StreamEntry, name: string): string | undefined {
  const fields = entry[1];
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
