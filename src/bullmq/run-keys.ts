/** BullMQ's default key prefix. */
export const DEFAULT_PREFIX = 'bull';

/**
 * The Redis keys of one run, beside BullMQ's own keys of the queue (same prefix and queue name, so
 * with a hash-tag prefix such as `{bull}` they share a Redis Cluster slot with the job, as BullMQ's
 * Lua scripts require of its own keys).
 */
export interface RunKeys {
  /** Stream of the run's status changes: `queued`, `active`, then a terminal `completed` / `interrupted` / `failed` with the outcome. */
  readonly status: string;
  /** Stream of the run's lifecycle events, several per entry. */
  readonly events: string;
  /** Hash: the last checkpoint (`state`), the job that wrote it (`job`), whether a worker runs it (`running`), crash count (`recoveries`). */
  readonly meta: string;
}

/** The keys of run `runId` on queue `queueName`. */
export function runKeys(prefix: string, queueName: string, runId: string): RunKeys {
  // Job ids cannot contain ':', so no job's keys (`<prefix>:<queue>:<jobId>:...`) can collide with these.
  const base = `${prefix}:${queueName}:agent-run:${runId}`;
  return { status: `${base}:status`, events: `${base}:events`, meta: `${base}:meta` };
}

/** BullMQ's lock of a job being processed (value: the worker's token). */
export function jobLockKey(prefix: string, queueName: string, jobId: string): string {
  return `${prefix}:${queueName}:${jobId}:lock`;
}

/** A stream a reader of this queue blocks on beside the runs it follows, so that it can be woken. */
export function readerWakeKey(prefix: string, queueName: string, readerId: string): string {
  return `${prefix}:${queueName}:agent-reader:${readerId}`;
}
