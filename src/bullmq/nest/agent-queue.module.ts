import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AgentQueue, assertQueueName } from '../agent-queue.js';
import { AgentQueueError } from '../errors.js';
import type { AgentQueueModuleAsyncOptions, AgentQueueModuleOptions } from './agent-queue-module-options.js';
import { AgentQueueRunner } from './agent-queue-runner.js';
import { getAgentQueueToken } from './agent-queue.tokens.js';

/**
 * Agent runs on BullMQ for NestJS: registers an `AgentQueue` (inject it with `@InjectAgentQueue()`)
 * and, with `worker`, runs the queue's runs in this application through the agents named there. The
 * module is global. Run the same module with `worker` in worker processes and without it in the HTTP
 * process, or with it everywhere.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     ChatToolsModule.forRoot({ client: new OpenAI(), model: 'gpt-4.1-mini' }),
 *     ChatToolsModule.forFeature([{ name: 'support', instructions: 'You help our customers.' }]),
 *     AgentQueueModule.forRoot({
 *       connection: { host: 'localhost', port: 6379 },
 *       name: 'agents',
 *       worker: process.env.ROLE === 'web' ? undefined : { agents: ['support'], concurrency: 8, shutdownTimeoutMs: 20_000 },
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class AgentQueueModule {
  /**
   * Registers a queue (and its worker) with fixed options.
   *
   * @throws {AgentQueueError} when the options are malformed.
   */
  static forRoot(options: AgentQueueModuleOptions): DynamicModule {
    checkOptions(options, 'AgentQueueModule.forRoot()');
    return queueModule(options.name, { provide: optionsToken(options.name), useValue: options });
  }

  /**
   * Registers a queue with options from a factory (e.g. the Redis address from a `ConfigService`).
   * Give `name` here to inject it by name; the factory's options must then carry the same name.
   *
   * @throws {AgentQueueError} without a `useFactory` function; at initialization, for malformed options.
   */
  static forRootAsync(options: AgentQueueModuleAsyncOptions): DynamicModule {
    const where = 'AgentQueueModule.forRootAsync()';
    if (typeof options?.useFactory !== 'function') throw new AgentQueueError(`${where} needs { useFactory, inject? }, a function that returns the options.`);
    if (options.name !== undefined) assertQueueName(options.name, where);
    const factory = options.useFactory;
    return queueModule(
      options.name,
      {
        provide: optionsToken(options.name),
        inject: options.inject ?? [],
        useFactory: async (...args: unknown[]) => {
          const produced = await factory(...args);
          checkOptions(produced, `${where} useFactory result`);
          if (options.name !== undefined && produced.name !== options.name) {
            throw new AgentQueueError(`${where}: the factory's options name queue "${produced.name}", but forRootAsync was given name "${options.name}".`);
          }
          return produced;
        },
      },
      options.imports ?? [],
    );
  }
}

function optionsToken(name: string | undefined): string {
  return `${getAgentQueueToken(name)}:options`;
}

function queueModule(name: string | undefined, options: Provider, imports: NonNullable<DynamicModule['imports']> = []): DynamicModule {
  const queueToken = getAgentQueueToken(name);
  const providers: Provider[] = [
    options,
    {
      provide: queueToken,
      inject: [optionsToken(name)],
      useFactory: ({ worker: _worker, ...queueOptions }: AgentQueueModuleOptions) => new AgentQueue(queueOptions),
    },
    {
      provide: AgentQueueRunner,
      inject: [optionsToken(name), queueToken, ModuleRef],
      useFactory: (moduleOptions: AgentQueueModuleOptions, queue: AgentQueue, moduleRef: ModuleRef) => new AgentQueueRunner(moduleOptions, queue, moduleRef),
    },
  ];
  const exported = [queueToken];
  if (name !== undefined) {
    providers.push({ provide: getAgentQueueToken(), useExisting: queueToken });
    exported.push(getAgentQueueToken());
  }
  return { module: AgentQueueModule, global: true, imports, providers, exports: exported };
}

function checkOptions(options: unknown, where: string): asserts options is AgentQueueModuleOptions {
  if (typeof options !== 'object' || options === null) throw new AgentQueueError(`${where} needs options { connection, name, worker? }.`);
  const { name, connection, worker } = options as Partial<AgentQueueModuleOptions>;
  assertQueueName(name, where);
  if (typeof connection !== 'object' || connection === null) throw new AgentQueueError(`${where}: \`connection\` must be BullMQ's connection options, e.g. { host: 'localhost', port: 6379 }.`);
  if (worker !== undefined) {
    const agents = (worker as { agents?: unknown } | null)?.agents;
    const named = Array.isArray(agents) ? agents.every((agent) => typeof agent === 'string' && agent !== '') && agents.length > 0 : typeof agents === 'object' && agents !== null;
    if (!named) throw new AgentQueueError(`${where}: \`worker.agents\` must list the agents the worker runs: names of ChatToolsModule.forFeature agents, or { name: agent }.`);
  }
}
