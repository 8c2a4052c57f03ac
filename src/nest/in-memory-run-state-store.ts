import { ChatToolsModuleError } from './chat-tools-module.error.js';
import { describeValue } from './describe-value.js';
import { RunStateStore, type StoredRun } from './run-state-store.js';

/** Options of {@link InMemoryRunStateStore}. */
export interface InMemoryRunStateStoreOptions {
  /** How long a record is kept after its last save, in milliseconds (default 24 hours). */
  ttlMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The default {@link RunStateStore}: a map in this process. Runs waiting for approval are lost when
 * the process stops and are not seen by other instances of the app; use a shared store (Redis, a
 * database) when the app runs more than one instance or must survive restarts. Records expire
 * `ttlMs` after their last save. Records are copied in and out, like a real store would.
 */
export class InMemoryRunStateStore extends RunStateStore {
  // Kept in the order of their last save, so expired records are at the front.
  private readonly runs = new Map<string, StoredRun>();
  private readonly ttlMs: number;

  /** @throws {ChatToolsModuleError} when `ttlMs` is not a positive number. */
  constructor(options: InMemoryRunStateStoreOptions = {}) {
    super();
    const ttlMs = options.ttlMs ?? DAY_MS;
    if (typeof ttlMs !== 'number' || !(ttlMs > 0)) {
      throw new ChatToolsModuleError(`InMemoryRunStateStore: \`ttlMs\` must be a positive number of milliseconds, got ${describeValue(ttlMs)}.`);
    }
    this.ttlMs = ttlMs;
  }

  /** The record of `runId`, or `undefined`. */
  async load(runId: string): Promise<StoredRun | undefined> {
    this.expire(Date.now());
    const run = this.runs.get(runId);
    return run === undefined ? undefined : structuredClone(run);
  }

  /** Stores `run` if the stored revision is `expectedRevision` (`undefined`: none stored). */
  async save(runId: string, run: StoredRun, expectedRevision: string | undefined): Promise<boolean> {
    const now = Date.now();
    this.expire(now);
    if (this.runs.get(runId)?.revision !== expectedRevision) return false;
    this.runs.delete(runId);
    this.runs.set(runId, { ...structuredClone(run), updatedAt: now });
    return true;
  }

  /** Number of records kept (for tests and metrics). */
  get size(): number {
    this.expire(Date.now());
    return this.runs.size;
  }

  private expire(now: number): void {
    for (const [runId, run] of this.runs) {
      if (now - run.updatedAt < this.ttlMs) return;
      this.runs.delete(runId);
    }
  }
}
