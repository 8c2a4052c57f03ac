import type { ServerResponse } from 'node:http';
import { Body, Controller, Injectable, Module, Post, Res, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { expect } from 'chai';
import type { LifecycleEvent } from 'chat-cmpl-stream-handler';
import { AgentQueue } from 'chat-cmpl-stream-handler/bullmq';
import { AgentQueueModule, InjectAgentQueue, getAgentQueueToken } from 'chat-cmpl-stream-handler/bullmq/nest';
import { ChatToolsModule } from 'chat-cmpl-stream-handler/nest';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf } from '../support/helpers.js';
import { BillingModule, WarehouseModule } from '../nest/fixtures/toolsets.js';
import { parseSse } from '../nest/fixtures/sse.js';
import { RedisServer } from './support/redis-server.js';

/** The web process: enqueues the run and streams its events as server-sent events while a worker runs it. */
@Controller('chat')
class ChatController {
  constructor(@InjectAgentQueue() private readonly queue: AgentQueue) {}

  @Post()
  async chat(@Body() body: { message: string; userId: string }, @Res() res: ServerResponse): Promise<void> {
    const { runId } = await this.queue.enqueue('support', body.message, { context: { userId: body.userId } });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for await (const event of this.queue.events(runId)) {
      if (event.type === 'stream.event' && event.event.type === 'content.delta') res.write(`event: token\ndata: ${JSON.stringify({ delta: event.event.delta })}\n\n`);
      if (event.type === 'tool_call.completed') res.write(`event: tool_result\ndata: ${JSON.stringify({ content: event.result.content })}\n\n`);
      if (event.type === 'run.completed') res.write(`event: done\ndata: ${JSON.stringify({ runId, content: event.result.finalContent })}\n\n`);
    }
    res.end();
  }
}

const quiet = { logger: false } as const;

describe('bullmq: NestJS (AgentQueueModule, @InjectAgentQueue)', function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let model: ScriptedChatServer;
  const apps: INestApplication[] = [];
  let count = 0;
  let name: string;

  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    model = await ScriptedChatServer.start();
    name = `nest-${++count}`;
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await model.close({ force: true });
  });

  /** A worker process: the agents and their toolsets, and the module's worker. */
  const startWorkerApp = async (queueName = name) => {
    @Module({
      imports: [
        ChatToolsModule.forRoot({ client: model.client(), model: 'm' }),
        ChatToolsModule.forFeature([{ name: 'support', tags: ['support', 'warehouse'] }]),
        WarehouseModule,
        BillingModule,
        AgentQueueModule.forRoot({ connection: redis.connection, name: queueName, worker: { agents: ['support'], concurrency: 2 } }),
      ],
    })
    class WorkerModule {}
    const app = await NestFactory.create(WorkerModule, quiet);
    await app.init();
    apps.push(app);
    return app;
  };

  it('the web app enqueues and streams over HTTP while the worker app runs the agent with its injected toolsets', async () => {
    await startWorkerApp();
    @Module({ imports: [AgentQueueModule.forRoot({ connection: redis.connection, name })], controllers: [ChatController] })
    class WebModule {}
    const web = await NestFactory.create(WebModule, quiet);
    apps.push(web);
    await web.listen(0, '127.0.0.1');

    model.enqueue(reply.toolCalls(toolCall('stock__check_stock', { sku: 'sku-1' })), reply.text('We have 4 in stock.', { chunkSize: 4 }));
    const response = await fetch(`${await web.getUrl()}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Is sku-1 in stock?', userId: 'u-7' }),
    });
    const events = parseSse(await response.text());
    expect(events.map((e) => e.event).filter((e) => e !== 'token')).to.deep.equal(['tool_result', 'done']);
    expect(events[0]!.data.content).to.equal('sku-1: 4 in stock (asked by u-7)');
    expect(events.filter((e) => e.event === 'token').map((e) => e.data.delta).join('')).to.equal('We have 4 in stock.');
    const queue = web.get<AgentQueue>(getAgentQueueToken(name));
    expect(queue).to.equal(web.get(getAgentQueueToken()));
    expect((await queue.result(events.at(-1)!.data.runId)).finalContent).to.equal('We have 4 in stock.');
    expect(model.bodies[0].tools.map((t: { function: { name: string } }) => t.function.name)).to.include('stock__check_stock');
  });

  it("the example app's support agent runs through the queue: its module plus AgentQueueModule in the worker, enqueue and events elsewhere", async () => {
    const { AppModule } = await import('../../examples/nest-app/app.module.js');
    const { ChatModel } = await import('../../examples/nest-app/model/chat-model.js');
    const { OrdersRepository } = await import('../../examples/nest-app/orders/orders.repository.js');
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule, AgentQueueModule.forRoot({ connection: redis.connection, name, worker: { agents: ['support'] } })],
    })
      .overrideProvider(ChatModel)
      .useValue(new ChatModel(model.client(), 'gpt-e2e'))
      .compile();
    const worker = moduleRef.createNestApplication({ logger: false });
    await worker.init();
    apps.push(worker);

    model.enqueue(
      reply.toolCalls(toolCall('orders__cancel_order', { orderId: 'ord_1001', reason: 'changed_mind', note: null })),
      reply.text('Your order ord_1001 is cancelled.'),
    );
    const queue = new AgentQueue({ connection: redis.connection, name });
    try {
      const { runId } = await queue.enqueue('support', 'Cancel ord_1001, I changed my mind.', { context: { userId: 'cus_7' } });
      const events = await collect(queue.events(runId));
      const completed = events.find((e) => e.type === 'tool_call.completed') as Extract<LifecycleEvent, { type: 'tool_call.completed' }>;
      expect(completed.result.content).to.equal('Cancelled ord_1001 (Espresso machine); reason: changed_mind.');
      expect(events.at(-1)!.type).to.equal('run.completed');
      expect(worker.get(OrdersRepository).findForCustomer('ord_1001', 'cus_7')?.status).to.equal('cancelled');
    } finally {
      await queue.close();
    }
  });

  it('forRootAsync takes the options from a factory; app.close() closes the worker and the queue', async () => {
    @Injectable()
    class RedisConfig {
      readonly connection = redis.connection;
    }
    @Module({ providers: [RedisConfig], exports: [RedisConfig] })
    class ConfigModule {}
    @Injectable()
    class Enqueuer {
      constructor(@InjectAgentQueue(name) readonly queue: AgentQueue) {}
    }
    @Module({
      imports: [
        ChatToolsModule.forRoot({ client: model.client(), model: 'm' }),
        ChatToolsModule.forFeature([{ name: 'support' }]),
        AgentQueueModule.forRootAsync({
          name,
          imports: [ConfigModule],
          inject: [RedisConfig],
          useFactory: (config: RedisConfig) => ({ connection: config.connection, name, worker: { agents: ['support'] } }),
        }),
      ],
      providers: [Enqueuer],
    })
    class AppModule {}
    const app = await NestFactory.create(AppModule, quiet);
    await app.init();
    model.enqueue(reply.text('hello from the queue'));
    const { queue } = app.get(Enqueuer);
    const { runId } = await queue.enqueue('support', 'hi');
    expect((await queue.result(runId)).finalContent).to.equal('hello from the queue');
    await app.close();
    expect(() => queue.events(runId)).to.throw(/is closed/);
  });

  it('names what is wrong: an agent the application does not have, malformed options', async () => {
    @Module({
      imports: [
        ChatToolsModule.forRoot({ client: model.client(), model: 'm' }),
        AgentQueueModule.forRoot({ connection: redis.connection, name, worker: { agents: ['billing'] } }),
      ],
    })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { ...quiet, abortOnError: false });
    const error = await rejectionOf(app.init());
    await app.close().catch(() => {});
    expect(error.message).to.equal(
      `AgentQueueModule worker: no agent named "billing" in the application; register it with ChatToolsModule.forFeature([{ name: 'billing', ... }]) or pass { billing: agent }.`,
    );
    expect(() => AgentQueueModule.forRoot({ connection: redis.connection, name: '' })).to.throw(/`name` must be the queue's name/);
    expect(() => AgentQueueModule.forRoot({ connection: redis.connection, name, worker: { agents: [] } })).to.throw(/`worker.agents` must list the agents/);
    expect(() => AgentQueueModule.forRootAsync({} as never)).to.throw(/needs \{ useFactory/);
  });
});
