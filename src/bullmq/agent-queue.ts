import { randomUUID } from 'node:crypto';
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AgentInput } from '../agent/agent.js';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { SigningKey } from '../run/run-state.js';
import type { StreamResult } from '../run/stream-result.js';
import { AgentQueueError } from './errors.js';
import { EventDecoder, type WireEvent } from './event-codec.js';
import { assertJsonContext, inputAsJson, RUN_JOB_VERSION, type RunJobData, type RunJobResult } from './job-data.js';
import { terminalEventOf, type RunOutcomeJSON } from './outcome.js';
import { openRedis } from './redis-connection.js';
import { DEFAULT_PREFIX, readerWakeKey, runKeys, type RunKeys } from './run-keys.js';
import { RUN_BUSY, withRunScripts, type ScriptedRedis } from './run-scripts.js';
import { fieldOf, StreamReader, type StreamEntry } from './stream-reader.js';

/** Job options a run may set: BullMQ's, for retries, order and retention. */
export type RunJobOptions = Pick<JobsOptions, 'attempts' | 'backoff' | 'priority' | 'delay' | 'lifo' | 'removeOnComplete' | 'removeOnFail'>;

/**
 * The job options of every run unless {@link AgentQueueOptions.defaultJobOptions} or
 * {@link EnqueueOptions.jobOptions} say otherwise: three attempts with exponential backoff from one
 * second (a transient model error resumes from the last checkpoint), finished jobs removed after a day
 * (completed) or a week (failed).
 */
export const DEFAULT_RUN_JOB_OPTIONS: RunJobOptions = Object.freeze({
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
});

/** Options of {@link AgentQueue}. */
export interface AgentQueueOptions {
  /** BullMQ's connection: ioredis options (`{ host, port }`) or an ioredis instance (duplicated, not closed). */
  connection: ConnectionOptions;
  /** The queue's name; its workers use the same. */
  name: string;
  /** BullMQ's key prefix (default `bull`); its workers use the same. */
  prefix?: string;
  /**
   * The agents' `signingKey`, when they sign their states: `RunState`s of interrupted runs are then
   * loaded with it, so `state.approve()` / `state.reject()` work on them.
   */
  signingKey?: SigningKey;
  /** Job options of every run (merged over {@link DEFAULT_RUN_JOB_OPTIONS}). */
  defaultJobOptions?: RunJobOptions;
}

/** Options of {@link AgentQueue.enqueue}. */
export interface EnqueueOptions<C = unknown> {
  /**
   * The run's context: it reaches every tool and hook in the worker. It travels through Redis as
   * JSON, so it must be plain data (ids, strings, numbers, plain objects and arrays); a class instance,
   * a `Date`, a function or a cycle is refused with {@link AgentQueueError}.
   */
  context?: C;
  /**
   * The run's id, instead of a new UUID: enqueueing the same id twice runs it once (an HTTP request's
   * idempotency key, say). No `:`, not an integer. Not for a resumed run, which keeps its state's id.
   */
  runId?: string;
  /** BullMQ job options of this run (merged over the queue's). */
  jobOptions?: RunJobOptions;
}

const TERMINAL = new Set(['completed', 'interrupted', 'failed']);
/** Entries a reader of events buffers before it stops reading the run's stream for a while. */
const READER_HIGH_WATER = 64;
/** Runs whose enqueue position a queue object keeps for its first `events()` call. */
const REMEMBERED_ENQUEUES = 10_000;

/**
 * Where agent runs are enqueued, and how any process follows them: the run's lifecycle events live as
 * they happen in whichever worker runs it ({@link events}), and its outcome ({@link result}). Runs go
 * to `AgentWorker`s of the same `name`, in any process on any machine.
 *
 * @example
 * ```ts
 * const queue = new AgentQueue({ connection: { host: 'localhost', port: 6379 }, name: 'agents' });
 * const { runId } = await queue.enqueue('support', 'Where is my order?', { context: { userId: 'u1' } });
 * for await (const event of queue.events(runId)) {
 *   if (event.type === 'stream.event' && event.event.type === 'content.delta') res.write(event.event.delta);
 * }
 * ```
 */
export class AgentQueue {
  /** The BullMQ queue the runs are jobs of (for dashboards, `getJobCounts()`, `pause()`, ...). */
  readonly queue: Queue<RunJobData, RunJobResult>;
  private readonly redis: ScriptedRedis;
  private blocking: Redis | undefined;
  private reader: StreamReader | undefined;
  private readonly prefix: string;
  private readonly name: string;
  private readonly signingKey: SigningKey | undefined;
  private readonly jobOptions: RunJobOptions;
  private closed = false;
  private readonly enqueuedAt = new Map<string, string>();

  /** @throws {AgentQueueError} for options that do not fit (named in the message). */
  constructor(private readonly options: AgentQueueOptions) {
    const where = 'new AgentQueue()';
    if (typeof options !== 'object' || options === null) throw new AgentQueueError(`${where} needs options { connection, name }.`);
    assertQueueName(options.name, where);
    this.name = options.name;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.signingKey = options.signingKey;
    this.jobOptions = { ...DEFAULT_RUN_JOB_OPTIONS, ...options.defaultJobOptions };
    this.redis = withRunScripts(openRedis(options.connection, where, false));
    this.redis.on('error', (error: unknown) => this.queue.emit('error', error as Error));
    this.queue = new Queue<RunJobData, RunJobResult>(options.name, { connection: options.connection, prefix: this.prefix });
  }

  /**
   * Enqueues a run of the agent that workers know as `agentName`: a new one from a user message or
   * the messages so far, or a paused one from its `RunState` (decisions recorded) to resume, which
   * keeps its run id. Resolves once the run is in Redis; it runs when a worker is free.
   *
   * @throws {AgentQueueError} for a context that is not JSON, a malformed input or run id, or a run to
   *   resume that is still queued or running.
   */
  async enqueue<C = unknown>(agentName: string, input: AgentInput, options: EnqueueOptions<C> = {}): Promise<{ runId: string }> {
    const where = `AgentQueue.enqueue(${JSON.stringify(agentName)})`;
    this.assertOpen();
    if (typeof agentName !== 'string' || agentName === '') throw new AgentQueueError(`${where}: the agent name must be a non-empty string (a key of the workers' \`agents\`).`);
    assertJsonContext(options.context, where);
    const json = inputAsJson(input, where);
    const resumed = typeof json === 'object' && !Array.isArray(json) ? json.runId : undefined;
    if (resumed !== undefined && options.runId !== undefined && options.runId !== resumed) {
      throw new AgentQueueError(`${where}: a resumed run keeps its id (${resumed}); leave \`runId\` out.`);
    }
    const runId = resumed ?? options.runId ?? randomUUID();
    assertRunId(runId, where);
    const keys = this.keys(runId);
    try {
      const position = await this.redis.ccshRunEnqueue(keys.status, keys.events, keys.meta, resumed === undefined ? 'new' : 'resume');
      // Enqueueing a new run's id again keeps the position of the first enqueue.
      if (resumed !== undefined || !this.enqueuedAt.has(runId)) this.remember(runId, position);
    } catch (error) {
      if (error instanceof Error && error.message.includes(RUN_BUSY)) {
        throw new AgentQueueError(`${where}: run ${runId} is still queued or running; resume it once it was interrupted (queue.result(runId) tells when).`);
      }
      throw error;
    }
    const data: RunJobData = { v: RUN_JOB_VERSION, runId, agent: agentName, input: json, ...(options.context === undefined ? {} : { context: options.context }) };
    // A new run's job id is its run id (so enqueueing an id twice adds one job); each resume is a job of its own.
    const jobId = resumed === undefined ? runId : `${runId}.${randomUUID()}`;
    await this.queue.add(agentName, data, { ...this.jobOptions, ...options.jobOptions, jobId });
    return { runId };
  }

  /**
   * The run's lifecycle events from the moment of the call until its terminal event (`run.completed`,
   * `run.interrupted` or `run.failed`), then the iteration ends; from any process. For a run that
   * already ended, just its terminal event. In the queue object that enqueued the run, the first call
   * starts where the enqueue did, so a process that enqueues and then streams misses nothing. Delta events carry their `snapshot` (rebuilt here); errors
   * are rebuilt (see {@link result}); `run.checkpoint` and `chunk` events are not carried. After a
   * worker died, the run's events go on from its last checkpoint: `iteration.started` of the same
   * index may come again, and the text of that request starts over.
   *
   * @throws {AgentQueueError} (on iteration) for a run id this queue has no record of.
   */
  events(runId: string): AsyncIterable<LifecycleEvent> {
    this.assertOpen();
    // The position is taken now, so events between this call and the first next() are not missed.
    const enqueuedAt = this.enqueuedAt.get(runId);
    this.enqueuedAt.delete(runId);
    const start = this.positionOf(runId, enqueuedAt);
    start.catch(() => {});
    return { [Symbol.asyncIterator]: () => this.follow(runId, start) };
  }

  /**
   * The run's outcome, from any process: a `StreamResult` rebuilt from JSON (`messages`, `usages`,
   * `completions`, `finalContent`, ...; `parsed` is the plain JSON of an `outputType` answer), with
   * `interrupted`, `state` and `interruptions` set when the run waits for approval. Waits while the
   * run is queued or running.
   *
   * @throws the run's error when it failed, rebuilt: its `name`, `message`, `messages` and fields,
   *   and `instanceof` the library's error classes (`MaxIterationsReached`, `RunError`, ...) as in the
   *   worker; other errors (OpenAI's `APIError`s, your tools') are `Error`s with their name, message
   *   and fields (`status`, `code`, ...). {@link AgentQueueError} for a run id this queue has no record of.
   */
  async result(runId: string): Promise<StreamResult> {
    this.assertOpen();
    const keys = this.keys(runId);
    const last = (await this.redis.xrevrange(keys.status, '+', '-', 'COUNT', 1))[0] as StreamEntry | undefined;
    if (!last) throw unknownRun(runId, this.name);
    const outcome = terminalOutcome(last) ?? (await this.nextOutcome(keys.status, last[0], runId));
    const terminal = terminalEventOf(outcome, this.signingKey);
    if (terminal.type === 'run.failed') throw terminal.error;
    return terminal.result;
  }

  /** Closes the queue's connections (the runs go on in the workers). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reader?.close();
    this.blocking?.disconnect();
    await Promise.allSettled([this.queue.close(), this.redis.quit()]);
  }

  /** Where the event stream stood when this object enqueued `runId` (the most recent runs only). */
  private remember(runId: string, position: string): void {
    this.enqueuedAt.delete(runId);
    this.enqueuedAt.set(runId, position);
    if (this.enqueuedAt.size > REMEMBERED_ENQUEUES) this.enqueuedAt.delete(this.enqueuedAt.keys().next().value!);
  }

  private keys(runId: string): RunKeys {
    if (typeof runId !== 'string' || runId === '') throw new AgentQueueError(`A run id must be a non-empty string (what enqueue() returned), got ${String(runId)}.`);
    return runKeys(this.prefix, this.name, runId);
  }

  private assertOpen(): void {
    if (this.closed) throw new AgentQueueError(`AgentQueue "${this.name}" is closed: create a new one.`);
  }

  private streamReader(): StreamReader {
    if (!this.reader) {
      this.blocking = openRedis(this.options.connection, 'AgentQueue', true);
      this.blocking.on('error', (error: unknown) => this.queue.emit('error', error as Error));
      this.reader = new StreamReader(this.blocking, this.redis, (id) => readerWakeKey(this.prefix, this.name, id), (error) => this.queue.emit('error', error as Error));
    }
    return this.reader;
  }

  /**
   * Where following a run starts: its status and the last entry of its event stream, read together,
   * plus the entries of the model request in progress (to rebuild the deltas' snapshots).
   */
  private async positionOf(runId: string, enqueuedAt: string | undefined): Promise<{ keys: RunKeys; outcome?: RunOutcomeJSON; fromId: string; decoder: EventDecoder }> {
    const keys = this.keys(runId);
    if (enqueuedAt !== undefined) return { keys, fromId: enqueuedAt, decoder: new EventDecoder() };
    const replies = await this.redis.multi().xrevrange(keys.events, '+', '-', 'COUNT', 1).xrevrange(keys.status, '+', '-', 'COUNT', 1).exec();
    const lastEvent = (replies?.[0]?.[1] as StreamEntry[] | undefined)?.[0];
    const lastStatus = (replies?.[1]?.[1] as StreamEntry[] | undefined)?.[0];
    if (!lastStatus) throw unknownRun(runId, this.name);
    const decoder = new EventDecoder();
    const outcome = terminalOutcome(lastStatus);
    if (outcome) return { keys, outcome, fromId: '0-0', decoder };
    if (lastEvent) {
      const batch = fieldOf(lastEvent, 'e');
      const iterationEntry = fieldOf(lastEvent, 'i');
      const current = batch !== undefined && iterationEntry !== undefined ? ((await this.redis.xrange(keys.events, iterationEntry, lastEvent[0])) as StreamEntry[]) : [lastEvent];
      for (const entry of current) {
        const events = fieldOf(entry, 'e');
        if (events !== undefined) for (const wire of JSON.parse(events) as WireEvent[]) decoder.decode(wire);
      }
    }
    return { keys, fromId: lastEvent?.[0] ?? '0-0', decoder };
  }

  private async *follow(runId: string, start: ReturnType<AgentQueue['positionOf']>): AsyncGenerator<LifecycleEvent, void, undefined> {
    const { keys, outcome, fromId, decoder } = await start;
    if (outcome) {
      yield terminalEventOf(outcome, this.signingKey);
      return;
    }
    const buffered: StreamEntry[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const subscription = this.streamReader().subscribe(
      keys.events,
      fromId,
      (entries) => {
        buffered.push(...entries);
        wake?.();
        return buffered.length < READER_HIGH_WATER;
      },
      () => {
        closed = true;
        wake?.();
      },
    );
    try {
      for (;;) {
        if (buffered.length === 0) {
          if (closed) throw this.closedError(`following run ${runId}`);
          subscription.resume();
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        const entry = buffered.shift()!;
        const events = fieldOf(entry, 'e');
        if (events !== undefined) {
          for (const wire of JSON.parse(events) as WireEvent[]) yield decoder.decode(wire);
          continue;
        }
        const statusId = fieldOf(entry, 'end');
        if (statusId === undefined) continue;
        const status = ((await this.redis.xrange(keys.status, statusId, statusId)) as StreamEntry[])[0];
        const ended = status && terminalOutcome(status);
        if (!ended) throw new AgentQueueError(`Run ${runId} ended, but its outcome expired before it was read.`);
        yield terminalEventOf(ended, this.signingKey);
        return;
      }
    } finally {
      subscription.close();
    }
  }

  /** Waits for the first terminal status after entry `afterId`. */
  private nextOutcome(statusKey: string, afterId: string, runId: string): Promise<RunOutcomeJSON> {
    return new Promise((resolve, reject) => {
      const subscription = this.streamReader().subscribe(
        statusKey,
        afterId,
        (entries) => {
          for (const entry of entries) {
            const outcome = terminalOutcome(entry);
            if (outcome) {
              subscription.close();
              resolve(outcome);
              return false;
            }
          }
          return true;
        },
        () => reject(this.closedError(`waiting for the result of run ${runId}`)),
      );
    });
  }

  private closedError(doing: string): AgentQueueError {
    return new AgentQueueError(`AgentQueue "${this.name}" was closed while ${doing}.`);
  }
}

/** The outcome of a terminal status entry; `undefined` for `queued` / `active`. */
function terminalOutcome(entry: StreamEntry): RunOutcomeJSON | undefined {
  const status = fieldOf(entry, 's');
  if (status === undefined || !TERMINAL.has(status)) return undefined;
  return JSON.parse(fieldOf(entry, 'o')!) as RunOutcomeJSON;
}

function unknownRun(runId: string, queueName: string): AgentQueueError {
  return new AgentQueueError(`Queue "${queueName}" has no run ${runId}: it was never enqueued here, or it ended longer ago than the workers' resultTtlMs.`);
}

/** @throws {AgentQueueError} unless `name` can name a BullMQ queue. */
export function assertQueueName(name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || name === '' || name.includes(':')) {
    throw new AgentQueueError(`${where}: \`name\` must be the queue's name, a non-empty string without ':', got ${JSON.stringify(name)}.`);
  }
}

function assertRunId(runId: unknown, where: string): void {
  if (typeof runId !== 'string' || runId === '' || runId.includes(':') || /^\d+$/.test(runId)) {
    throw new AgentQueueError(`${where}: a run id must be a non-empty string without ':' that is not an integer (BullMQ's rule for job ids), got ${JSON.stringify(runId)}.`);
  }
}
