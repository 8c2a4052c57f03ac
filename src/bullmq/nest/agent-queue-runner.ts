import type { BeforeApplicationShutdown, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { Agent } from '../../agent/agent.js';
import { getAgentToken } from '../../nest/agent-token.js';
import type { AgentQueue } from '../agent-queue.js';
import { AgentWorker } from '../agent-worker.js';
import { AgentQueueError } from '../errors.js';
import type { AgentQueueModuleOptions } from './agent-queue-module-options.js';

/**
 * The module's lifecycle: starts the worker once every agent exists (application bootstrap), closes
 * it before shutdown (current runs finish, or go back to the queue after `shutdownTimeoutMs`), then
 * closes the queue.
 */
export class AgentQueueRunner implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  /** The application's worker, when the options ask for one. */
  worker: AgentWorker | undefined;

  constructor(
    private readonly options: AgentQueueModuleOptions,
    private readonly queue: AgentQueue,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.worker) return;
    const { agents, shutdownTimeoutMs: _timeout, ...workerOptions } = this.options.worker;
    const { connection, name, prefix } = this.options;
    this.worker = new AgentWorker({ ...workerOptions, connection, name, ...(prefix === undefined ? {} : { prefix }), agents: this.resolve(agents) });
    await this.worker.waitUntilReady();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const timeoutMs = this.options.worker?.shutdownTimeoutMs;
    await this.worker?.close(timeoutMs === undefined ? {} : { timeoutMs });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  private resolve(agents: NonNullable<AgentQueueModuleOptions['worker']>['agents']): Record<string, Agent<any, any>> {
    if (!Array.isArray(agents)) return agents as Record<string, Agent<any, any>>;
    return Object.fromEntries(
      agents.map((name: string) => {
        try {
          return [name, this.moduleRef.get<Agent<any, any>>(getAgentToken(name), { strict: false })];
        } catch {
          throw new AgentQueueError(
            `AgentQueueModule worker: no agent named "${name}" in the application; register it with ChatToolsModule.forFeature([{ name: '${name}', ... }]) or pass { ${name}: agent }.`,
          );
        }
      }),
    );
  }
}
