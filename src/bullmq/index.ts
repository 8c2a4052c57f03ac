/**
 * Agent runs as BullMQ jobs on Redis: `AgentQueue` enqueues runs and follows them from any process
 * (`events`, `result`), `AgentWorker`s run them through named `Agent`s, in any number of processes.
 * A run survives its worker: checkpoints after every model turn, tool call and tool batch let another
 * worker go on where it stopped. Needs the optional peer dependencies `bullmq` and `ioredis`; the core
 * entry never loads them.
 *
 * @packageDocumentation
 */
export { AgentQueue, DEFAULT_RUN_JOB_OPTIONS } from './agent-queue.js';
export type { AgentQueueOptions, EnqueueOptions, RunJobOptions } from './agent-queue.js';
export { AgentWorker } from './agent-worker.js';
export type { AgentWorkerOptions, AgentWorkerCloseOptions, AgentWorkerBullOptions } from './agent-worker.js';
export { AgentQueueError } from './errors.js';
export { isTransientError } from './transient.js';
export type { RunJobData, RunJobResult } from './job-data.js';
