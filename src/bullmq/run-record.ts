import type { RunStateJSON } from '../run/run-state.js';
import type { RunOutcomeJSON } from './outcome.js';
import { EVENT_STREAM_MAXLEN, type ScriptedRedis } from './run-scripts.js';
import type { RunKeys } from './run-keys.js';

/** Events not written yet, for the last write of an attempt. */
export interface PendingEvents {
  /** A JSON array of wire events, or `''`. */
  readonly payload: string;
  /** The id of the entry that holds the current model request's `iteration.started`, or `''`. */
  readonly iterationEntry: string;
  /** Whether these events start a model request (their entry becomes the iteration's entry). */
  readonly startsIteration: boolean;
}

/** No events. */
export const NO_EVENTS: PendingEvents = { payload: '', iterationEntry: '', startsIteration: false };

/**
 * One worker's writes to one run's records, each fenced by the job's lock (`token`): once another
 * worker took the run over, they fail with `CCSH_LOCK_LOST` and change nothing.
 */
export class RunRecord {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: RunKeys,
    private readonly lockKey: string,
    private readonly token: string,
  ) {}

  /**
   * Marks the run active and reads where to go on: the last checkpoint this job wrote (a retry, or a
   * run taken over after its worker died), and how often a worker died while running this job.
   */
  async start(jobId: string): Promise<{ checkpoint: RunStateJSON | undefined; recoveries: number }> {
    const { keys } = this;
    const [state, recoveries] = await this.redis.ccshRunStart(this.lockKey, keys.status, keys.events, keys.meta, this.token, jobId);
    return { checkpoint: state ? (JSON.parse(state) as RunStateJSON) : undefined, recoveries: Number(recoveries) };
  }

  /** Appends the events not written yet, then stores a checkpoint (the run's state as JSON); returns the events' entry id. */
  checkpoint(stateJson: string, pending: PendingEvents): Promise<string | null> {
    const { keys } = this;
    return this.redis.ccshRunCheckpoint(this.lockKey, keys.events, keys.meta, this.token, EVENT_STREAM_MAXLEN, pending.payload, pending.iterationEntry, stateJson);
  }

  /** Appends a batch of events; returns the entry's id. */
  append(payload: string, iterationEntry: string): Promise<string> {
    return this.redis.ccshRunAppend(this.lockKey, this.keys.events, this.token, EVENT_STREAM_MAXLEN, payload, iterationEntry);
  }

  /** The attempt ends without an outcome (a retry follows, or another worker takes the run). */
  async release(pending: PendingEvents): Promise<void> {
    const { keys } = this;
    await this.redis.ccshRunRelease(this.lockKey, keys.events, keys.meta, this.token, EVENT_STREAM_MAXLEN, pending.payload, pending.iterationEntry);
  }

  /** Records the outcome; the run's records expire `ttlSeconds` later. */
  async finish(pending: PendingEvents, outcome: RunOutcomeJSON, ttlSeconds: number): Promise<void> {
    const { keys } = this;
    await this.redis.ccshRunFinish(
      this.lockKey,
      keys.status,
      keys.events,
      keys.meta,
      this.token,
      EVENT_STREAM_MAXLEN,
      pending.payload,
      pending.iterationEntry,
      outcome.status,
      JSON.stringify(outcome),
      ttlSeconds,
    );
  }
}
