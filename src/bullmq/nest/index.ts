/**
 * NestJS integration of agent runs on BullMQ: `AgentQueueModule.forRoot({ connection, name, worker? })`
 * registers an `AgentQueue` (`@InjectAgentQueue()`) and runs a worker for the named agents of
 * `ChatToolsModule.forFeature`. Needs `bullmq`, `ioredis` and `@nestjs/*`.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export { AgentQueueModule } from './agent-queue.module.js';
export { InjectAgentQueue } from './inject-agent-queue.decorator.js';
export { getAgentQueueToken } from './agent-queue.tokens.js';
export type { AgentQueueModuleOptions, AgentQueueModuleAsyncOptions, AgentQueueModuleWorkerOptions } from './agent-queue-module-options.js';
