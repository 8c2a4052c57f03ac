import type { EventEmitter } from 'node:events';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Agent } from '../agent/agent.js';
import { STREAM_EVENT_TYPES } from '../run/event-names.js';
import type { StreamEventType } from '../run/stream-events.js';
import { assertQueueName } from './agent-queue.js';
import { AgentQueueError } from './errors.js';
import { UNTRANSPORTABLE_STREAM_EVENTS } from './event-codec.js';
import { EventPublisher } from './event-publisher.js';
import { RUN_JOB_VERSION, type RunJobData, type RunJobResult } from './job-data.js';
import { failureOutcome, outcomeOf, type TerminalEvent } from './outcome.js';
import { openRedis } from './redis-connection.js';
import { DEFAULT_PREFIX, jobLockKey, runKeys } from './run-keys.js';
import { NO_EVENTS, RunRecord } from './run-record.js';
import { isLockLost, withRunScripts, type ScriptedRedis } from './run-scripts.js';
import { isTransientError } from './transient.js';

/** BullMQ worker options the agent worker passes on as they are. */
export type AgentWorkerBullOptions = Omit<WorkerOptions, 'connection' | 'concurrency' | 'autorun' | 'prefix' | 'limiter' | 'maxStalledCount'>;

/** Options of {@link AgentWorker}. */
export interface AgentWorkerOptions {
  /** BullMQ's connection: ioredis options (`{ host, port }`) or an ioredis instance (duplicated, not closed). */
  connection: ConnectionOptions;
  /** The queue's name (the `AgentQueue`'s). */
  name: string;
  /** The agents this worker runs, by the name runs are enqueued with. Every worker of a queue should know the same names. */
  agents: Readonly<Record<string, Agent<any, any>>>;
  /**
   * Runs at once in this worker (its tools and model streams interleave on one event loop).
   * @defaultValue 1
   */
  concurrency?: number;
  /** BullMQ's key prefix (default `bull`); the queue uses the same. */
  prefix?: string;
  /**
   * BullMQ's rate limiter, for the whole queue across all its workers: at most `max` runs start per
   * `duration` ms. Give each model (or provider account) its own queue to limit it on its own.
   */
  limiter?: { max: number; duration: number };
  /**
   * How many times a run may be taken over after its worker died while running it (kill -9, out of
   * memory, a deploy that did not wait, a lock that expired); once more, and it fails with
   * `AgentQueueError` instead of bringing down worker after worker. Replaces BullMQ's `maxStalledCount`.
   * @defaultValue 3
   */
  maxRecoveries?: number;
  /**
   * Whether a failed run is tried again from its last checkpoint, while its job has attempts left
   * (`attempts` of the queue's job options).
   * @defaultValue {@link isTransientError}
   */
  retryable?: (error: unknown) => boolean;
  /**
   * Which stream events reach the run's readers (`queue.events`); `chunk` cannot (it carries the SDK's
   * live snapshot). Every lifecycle event but `run.checkpoint` always does.
   * @defaultValue every stream event but `chunk`
   */
  streamEvents?: readonly StreamEventType[];
  /**
   * The longest a delta waits for others to share its Redis write: a fast stream is written in a few
   * large batches, a slow one at most once per this many ms. Lifecycle events are written at once.
   * @defaultValue 50
   */
  eventBatchMs?: number;
  /**
   * How long a run's records (events, outcome, last checkpoint) stay in Redis after it ended:
   * `queue.result(runId)` works this long.
   * @defaultValue one day
   */
  resultTtlMs?: number;
  /**
   * More BullMQ worker options, passed on: `lockDuration` (default 30 s) and `stalledInterval`
   * (default 30 s) decide how soon a run whose worker died is taken over; `removeOnComplete`, ...
   */
  workerOptions?: AgentWorkerBullOptions;
}

/** Options of {@link AgentWorker.close}. */
export interface AgentWorkerCloseOptions {
  /**
   * How long to let the current runs finish. After it, the runs still going are stopped where they
   * are and handed back to the queue, where a worker (another one, or this one after a restart) goes
   * on from their last checkpoint at once. `0` hands them back right away. Without it, `close` waits
   * for every current run to end.
   */
  timeoutMs?: number;
}

const DEFAULT_MAX_RECOVERIES = 3;
const DEFAULT_EVENT_BATCH_MS = 50;
const DEFAULT_RESULT_TTL_MS = 24 * 3600 * 1000;
/** BullMQ never fails a stalled run on its own: the worker counts recoveries itself (`maxRecoveries`) and records the failure. */
const NO_STALL_LIMIT = 1_000_000;

/** Why a run was stopped from outside its own code. */
class StopReason extends Error {
  constructor(readonly kind: 'hand-back' | 'lock-lost', message: string) {
    super(message);
  }
}

/**
 * Runs the queue's runs: takes jobs from BullMQ (`concurrency` at once), runs each through the named
 * `Agent` with `context`, publishes its events to Redis as they happen, stores a checkpoint after every
 * model turn, tool call and tool batch, and records the outcome. A run that fails with a transient
 * model error is tried again after BullMQ's backoff, from its last checkpoint; a run whose worker died
 * is taken over by another worker once BullMQ notices (the lock expires after `lockDuration`), from its
 * last checkpoint. Starts on construction; start as many as you like, in any process.
 *
 * @example
 * ```ts
 * const worker = new AgentWorker({ connection: { host: 'localhost', port: 6379 }, name: 'agents', agents: { support: supportAgent }, concurrency: 8 });
 * process.on('SIGTERM', () => void worker.close({ timeoutMs: 20_000 }));
 * ```
 */
export class AgentWorker {
  /** The BullMQ worker (for its events: `worker.worker.on('failed', ...)`, `'error'`, ...). */
  readonly worker: Worker<RunJobData, RunJobResult>;
  private readonly redis: ScriptedRedis;
  private readonly prefix: string;
  private readonly agents: ReadonlyMap<string, Agent<any, any>>;
  private readonly maxRecoveries: number;
  private readonly retryable: (error: unknown) => boolean;
  private readonly streamEvents: readonly StreamEventType[];
  private readonly eventBatchMs: number;
  private readonly resultTtlSeconds: number;
  private readonly running = new Map<string, AbortController>();
  private closing: Promise<void> | undefined;

  /** @throws {AgentQueueError} for options that do not fit (named in the message). */
  constructor(private readonly options: AgentWorkerOptions) {
    const where = 'new AgentWorker()';
    if (typeof options !== 'object' || options === null) throw new AgentQueueError(`${where} needs options { connection, name, agents }.`);
    assertQueueName(options.name, where);
    this.agents = agentMap(options.agents, where);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.maxRecoveries = nonNegativeInteger(options.maxRecoveries, DEFAULT_MAX_RECOVERIES, 'maxRecoveries', where);
    this.retryable = options.retryable ?? isTransientError;
    if (typeof this.retryable !== 'function') throw new AgentQueueError(`${where}: \`retryable\` must be a function (error) => boolean.`);
    this.streamEvents = streamEventSelection(options.streamEvents, where);
    this.eventBatchMs = nonNegativeInteger(options.eventBatchMs, DEFAULT_EVENT_BATCH_MS, 'eventBatchMs', where);
    this.resultTtlSeconds = Math.ceil(positiveInteger(options.resultTtlMs, DEFAULT_RESULT_TTL_MS, 'resultTtlMs', where) / 1000);
    const concurrency = positiveInteger(options.concurrency, 1, 'concurrency', where);
    this.redis = withRunScripts(openRedis(options.connection, where, false));
    this.worker = new Worker<RunJobData, RunJobResult>(options.name, (job, token) => this.process(job, token!), {
      ...options.workerOptions,
      connection: options.connection,
      prefix: this.prefix,
      concurrency,
      ...(options.limiter ? { limiter: options.limiter } : {}),
      maxStalledCount: NO_STALL_LIMIT,
    });
    this.redis.on('error', (error: unknown) => this.worker.emit('error', error as Error));
    // A lock that could not be renewed may already be another worker's: stop before our writes are refused.
    (this.worker as unknown as EventEmitter).on('lockRenewalFailed', (jobIds: string[]) => {
      for (const jobId of jobIds) this.running.get(jobId)?.abort(new StopReason('lock-lost', `The lock of job ${jobId} could not be renewed.`));
    });
  }

  /** Resolves once the worker is connected and takes runs. */
  async waitUntilReady(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /**
   * Stops taking runs and closes the worker's connections. The current runs finish first, or, after
   * `timeoutMs`, are handed back to the queue where they go on from their last checkpoint.
   */
  close(options: AgentWorkerCloseOptions = {}): Promise<void> {
    this.closing ??= this.closeOnce(options);
    return this.closing;
  }

  private async closeOnce({ timeoutMs }: AgentWorkerCloseOptions): Promise<void> {
    const handBack = () => {
      for (const [jobId, controller] of this.running) controller.abort(new StopReason('hand-back', `The worker closed; job ${jobId} goes back to the queue.`));
    };
    const timer = timeoutMs === undefined ? undefined : setTimeout(handBack, Math.max(0, timeoutMs));
    try {
      await this.worker.close();
    } finally {
      clearTimeout(timer);
      await this.redis.quit().catch(() => {});
    }
  }

  private async process(job: Job<RunJobData, RunJobResult>, token: string): Promise<RunJobResult> {
    const data = job.data;
    if (data?.v !== RUN_JOB_VERSION) {
      throw new UnrecoverableError(`Job ${job.id} is not a run of this library's format version ${RUN_JOB_VERSION} (got ${String(data?.v)}); enqueue runs with AgentQueue.enqueue.`);
    }
    const jobId = job.id!;
    const record = new RunRecord(this.redis, runKeys(this.prefix, this.options.name, data.runId), jobLockKey(this.prefix, this.options.name, jobId), token);
    const controller = new AbortController();
    this.running.set(jobId, controller);
    try {
      const { checkpoint, recoveries } = await record.start(jobId);
      const agent = this.agents.get(data.agent);
      const refusal = !agent
        ? `No agent named ${JSON.stringify(data.agent)} on this worker of queue "${this.options.name}"; it runs ${[...this.agents.keys()].map((n) => JSON.stringify(n)).join(', ')}.`
        : recoveries > this.maxRecoveries
          ? `Run ${data.runId} was taken over ${recoveries} times after its worker died while running it (killed, out of memory, or its lock expired); maxRecoveries is ${this.maxRecoveries}.`
          : undefined;
      if (refusal !== undefined) {
        const error = new AgentQueueError(refusal);
        await record.finish(NO_EVENTS, failureOutcome(error, checkpoint?.messages), this.resultTtlSeconds);
        throw new UnrecoverableError(refusal);
      }
      if (checkpoint?.next === 'finished') {
        // The run had finished when its worker died, before the outcome was recorded: record it from the
        // last checkpoint rather than fail resuming a finished run (`parsed` of an outputType is not in it).
        const { messages, usages, completions } = checkpoint;
        await record.finish(NO_EVENTS, { status: 'completed', result: { messages, usages, completions } }, this.resultTtlSeconds);
        return { runId: data.runId, status: 'completed' };
      }
      const publisher = new EventPublisher(record, this.eventBatchMs, (error) => controller.abort(isLockLost(error) ? new StopReason('lock-lost', 'Another worker took the run over.') : error));
      const terminal = await this.runAgent(agent!, data.runId, checkpoint ?? data.input, data.context, publisher, controller.signal);
      return await this.settle(job, record, publisher, terminal, controller.signal);
    } finally {
      this.running.delete(jobId);
    }
  }

  /**
   * Runs the agent to its end. Its events reach the publisher through hooks, so they are published
   * in order and each checkpoint is stored with the events before it, before the run goes on.
   */
  private async runAgent(agent: Agent<any, any>, runId: string, input: RunJobData['input'], context: unknown, publisher: EventPublisher, signal: AbortSignal): Promise<TerminalEvent> {
    try {
      const result = await agent.run(input, { runId, context, signal, handlers: [publisher.hooks(this.streamEvents)], checkpointToolCalls: true });
      if (!result.state) return { type: 'run.completed', result };
      return { type: 'run.interrupted', state: result.state, interruptions: result.interruptions, result };
    } catch (error) {
      const messages = (error as { messages?: unknown } | null)?.messages;
      return { type: 'run.failed', error, messages: Array.isArray(messages) ? messages : [] };
    }
  }

  /**
   * Records how the attempt ended. A finished or interrupted run: its outcome. A failure: nothing when
   * another worker took the run over; a hand-back to the queue when the worker closes; a retry (the
   * error, for BullMQ's backoff) when it is transient and attempts are left; else the failure.
   */
  private async settle(job: Job<RunJobData, RunJobResult>, record: RunRecord, publisher: EventPublisher, terminal: TerminalEvent, signal: AbortSignal): Promise<RunJobResult> {
    if (terminal.type !== 'run.failed') {
      await record.finish(await publisher.drain(), outcomeOf(terminal), this.resultTtlSeconds);
      return { runId: job.data.runId, status: terminal.type === 'run.completed' ? 'completed' : 'interrupted' };
    }
    const error = terminal.error;
    const stop = signal.reason instanceof StopReason ? signal.reason : undefined;
    if (stop?.kind === 'lock-lost' || causes(error).some(isLockLost)) throw error;
    if (stop?.kind === 'hand-back') {
      await record.release(await publisher.drain());
      // BullMQ's manual rate-limit signal: the job goes back to the front of the wait list, no attempt used.
      throw Worker.RateLimitError();
    }
    if (job.attemptsMade + 1 < (job.opts.attempts ?? 1) && this.retryable(error)) {
      await record.release(await publisher.drain());
      throw error;
    }
    await record.finish(await publisher.drain(), outcomeOf(terminal), this.resultTtlSeconds);
    throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
  }
}

/** `error` and its causes. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 8; current = (current as { cause?: unknown } | null)?.cause) chain.push(current);
  return chain;
}

function agentMap(agents: AgentWorkerOptions['agents'], where: string): ReadonlyMap<string, Agent<any, any>> {
  if (typeof agents !== 'object' || agents === null || Object.keys(agents).length === 0) {
    throw new AgentQueueError(`${where}: \`agents\` must name at least one agent, e.g. { support: supportAgent }.`);
  }
  for (const [name, agent] of Object.entries(agents)) {
    if (typeof (agent as { stream?: unknown } | null)?.stream !== 'function') throw new AgentQueueError(`${where}: agents.${name} must be an Agent.`);
  }
  return new Map(Object.entries(agents));
}

function streamEventSelection(selection: readonly StreamEventType[] | undefined, where: string): readonly StreamEventType[] {
  if (selection === undefined) return STREAM_EVENT_TYPES.filter((type) => !UNTRANSPORTABLE_STREAM_EVENTS.has(type));
  if (!Array.isArray(selection)) throw new AgentQueueError(`${where}: \`streamEvents\` must be an array of stream event types.`);
  const unknown = selection.filter((type) => !STREAM_EVENT_TYPES.includes(type));
  if (unknown.length > 0) throw new AgentQueueError(`${where}: \`streamEvents\` names unknown stream event types (${unknown.join(', ')}).`);
  if (selection.some((type) => UNTRANSPORTABLE_STREAM_EVENTS.has(type))) {
    throw new AgentQueueError(`${where}: \`chunk\` events cannot travel through the queue (they carry the SDK's live snapshot); the whole completion is in iteration.completed.`);
  }
  return selection;
}

function positiveInteger(value: unknown, fallback: number, name: string, where: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && (value as number) >= 1)) throw new AgentQueueError(`${where}: \`${name}\` must be a positive integer, got ${String(value)}.`);
  return value as number;
}

function nonNegativeInteger(value: unknown, fallback: number, name: string, where: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && (value as number) >= 0)) throw new AgentQueueError(`${where}: \`${name}\` must be a non-negative integer, got ${String(value)}.`);
  return value as number;
}
