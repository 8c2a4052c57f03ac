import type { RunStateJSON } from '../run/run-state.js';

/**
 * Where a stored run stands:
 * - `waiting`: it was interrupted; its calls wait for a person's decisions.
 * - `running`: a request recorded decisions and resumed it; no other request may decide.
 * - `finished`: the resumed run completed; it takes no more decisions.
 * - `failed`: the resumed run failed (or its stream was closed early); `state` is its latest checkpoint.
 */
export type StoredRunStatus = 'waiting' | 'running' | 'finished' | 'failed';

/**
 * What {@link ChatRuns} keeps about a run that waited for approval: plain JSON-safe data, so a
 * store may keep it as a JSON column, a Redis string or a document.
 */
export interface StoredRun {
  /** Changes with every save; {@link RunStateStore.save} compares it to make concurrent updates safe. */
  revision: string;
  /** See {@link StoredRunStatus}. */
  status: StoredRunStatus;
  /** Who may decide the run's calls (the id of the user who started it). */
  owner: string;
  /**
   * The run's state: the paused run (`waiting`), or the latest checkpoint of a resumed run
   * (`running`, starting with the decided state; `failed`): resuming it repeats no model request or
   * tool call completed before it. Absent once `finished`.
   */
  state?: RunStateJSON;
  /** Every call decided so far in this run (across resumes), by call id. */
  decided: Record<string, 'approved' | 'rejected'>;
  /** With `failed`: what ended the run. */
  error?: string;
  /** When this revision was saved (milliseconds since the epoch). */
  updatedAt: number;
}

/**
 * Keeps runs that wait for approval between the request that paused them and the request that
 * decides, in this process or across processes. `ChatToolsModule` provides an
 * {@link InMemoryRunStateStore} unless its `runStateStore` option gives another; implement this
 * class (`class RedisRunStateStore implements RunStateStore`) for Redis or a database.
 *
 * The one rule an implementation must keep: {@link save} is a compare-and-set. Two requests that
 * decide the same run at once both load revision `r1`; exactly one of their saves may succeed, so
 * an approved call runs once however often the Approve button is clicked.
 *
 * Records of finished and failed runs are kept so that late decisions are answered with "finished"
 * rather than "unknown run"; expire old records (a TTL of a day or more) in the store.
 */
export abstract class RunStateStore {
  /** The record of `runId`, or `undefined` when there is none (never stored, or expired). */
  abstract load(runId: string): Promise<StoredRun | undefined>;

  /**
   * Stores `run` under `runId` if, at this moment, the stored record's revision is
   * `expectedRevision` (`undefined`: no record is stored), atomically; resolves `false` without
   * storing anything otherwise. SQL: `UPDATE ... WHERE run_id = $1 AND revision = $2` (an
   * `INSERT ... ON CONFLICT DO NOTHING` for `undefined`) and compare the row count; Redis: a
   * small Lua script comparing the revision, or WATCH/MULTI.
   */
  abstract save(runId: string, run: StoredRun, expectedRevision: string | undefined): Promise<boolean>;
}
