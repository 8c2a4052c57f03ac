import type { Agent } from '../../agent/agent.js';
import type { AgentQueueOptions } from '../agent-queue.js';
import type { AgentWorkerOptions } from '../agent-worker.js';

/** The worker an application runs beside its queue: `AgentWorker`'s options, with agents by name. */
export interface AgentQueueModuleWorkerOptions extends Omit<AgentWorkerOptions, 'connection' | 'name' | 'prefix' | 'agents'> {
  /**
   * The agents the worker runs: names of agents registered with `ChatToolsModule.forFeature`
   * (resolved when the application has started, each enqueued under its name), or `{ name: agent }`.
   */
  agents: readonly string[] | Readonly<Record<string, Agent<any, any>>>;
  /**
   * When the application shuts down, how long its worker lets current runs finish before handing
   * them back to the queue (see `AgentWorker.close`). Without it, shutdown waits for them.
   */
  shutdownTimeoutMs?: number;
}

/** Options of `AgentQueueModule.forRoot` (and what `forRootAsync`'s factory returns). */
export interface AgentQueueModuleOptions extends AgentQueueOptions {
  /**
   * Also run a worker in this application. Leave it out in processes that only enqueue and stream
   * (the HTTP process), set it in the worker processes (the same module, another environment).
   */
  worker?: AgentQueueModuleWorkerOptions;
}

/** Options of `AgentQueueModule.forRootAsync`: a factory for the options, with what it injects. */
export interface AgentQueueModuleAsyncOptions {
  /** The queue's name, known up front: the injection token is made from it (`@InjectAgentQueue(name)`). */
  name?: string;
  /** Modules whose providers the factory injects (e.g. `ConfigModule`). */
  imports?: any[];
  /** The factory's arguments. */
  inject?: any[];
  /** Returns the options (may be async). */
  useFactory: (...args: any[]) => AgentQueueModuleOptions | Promise<AgentQueueModuleOptions>;
}
