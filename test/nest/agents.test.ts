import { Injectable, Module } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { expect } from 'chai';
import { OnRunCompleted, OnToolCallCompleted, type RunInfo, type ToolCallCompletedEvent } from 'chat-cmpl-stream-handler';
import { ChatAgents, ChatToolsModule, ChatToolsModuleError, getAgentToken } from 'chat-cmpl-stream-handler/nest';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf } from '../support/helpers.js';
import { compileApp, startApp, TEST_MODEL } from './fixtures/harness.js';
import { BillingModule, WarehouseModule, type Caller } from './fixtures/toolsets.js';

/** Records, for each hook call, which handler saw which run context. */
class ContextRecorder {
  constructor(
    private readonly label: string,
    readonly seen: string[],
  ) {}

  @OnToolCallCompleted()
  toolDone(event: ToolCallCompletedEvent, run: RunInfo<Caller>): void {
    this.seen.push(`${this.label}: ${event.toolCall.function.name} for ${run.context.userId}`);
  }

  @OnRunCompleted()
  runDone(_event: unknown, run: RunInfo<Caller>): void {
    this.seen.push(`${this.label}: done for ${run.context.userId}`);
  }
}

describe('nest: agents', () => {
  let server: ScriptedChatServer;
  let app: TestingModule | undefined;

  beforeEach(async () => {
    server = await ScriptedChatServer.start();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
  });

  it("passes each run's context to the singleton tool methods and to hooks; module handlers run before the agent's", async () => {
    const seen: string[] = [];
    app = await startApp(server, { imports: [WarehouseModule, BillingModule] }, { handlers: [new ContextRecorder('module', seen)] });
    const agent = app.get(ChatAgents).create<Caller>({ handlers: [new ContextRecorder('agent', seen)] });
    // Two users at once, one agent: the replies are built from each request, so the order of arrival does not matter.
    const answerFromTool = reply.dynamic((request) => {
      const last = request.body.messages.at(-1);
      return last.role === 'tool' ? reply.text(last.content) : reply.toolCalls(toolCall('billing__balance', {}));
    });
    server.enqueue(answerFromTool, answerFromTool, answerFromTool, answerFromTool);

    const [ada, bob] = await Promise.all([
      agent.run('My balance?', { context: { userId: 'ada' } }),
      agent.run('My balance?', { context: { userId: 'bob' } }),
    ]);
    expect(ada.finalContent).to.equal('balance of ada: 12.50 EUR');
    expect(bob.finalContent).to.equal('balance of bob: 12.50 EUR');
    for (const user of ['ada', 'bob']) {
      const forUser = seen.filter((line) => line.endsWith(` ${user}`));
      expect(forUser).to.deep.equal([`module: billing__balance for ${user}`, `agent: billing__balance for ${user}`, `module: done for ${user}`, `agent: done for ${user}`]);
    }
  });

  it("starts from the module's defaults; an agent's options override them, params merge key by key", async () => {
    app = await startApp(server, {}, { instructions: 'Module instructions.', params: { temperature: 0.2, max_completion_tokens: 100 }, maxIterations: 3 });
    const agents = app.get(ChatAgents);

    server.enqueue(reply.text('a'));
    await agents.create().run('hi');
    const first = server.requests.at(-1)!.body;
    expect(first).to.include({ model: TEST_MODEL, temperature: 0.2, max_completion_tokens: 100 });
    expect(first.messages[0]).to.deep.equal({ role: 'system', content: 'Module instructions.' });

    server.enqueue(reply.text('b'));
    await agents.create({ model: 'other-model', instructions: (caller: Caller) => `Help ${caller.userId}.`, params: { temperature: 0.9 } }).run('hi', { context: { userId: 'ada' } });
    const second = server.requests.at(-1)!.body;
    expect(second).to.include({ model: 'other-model', temperature: 0.9, max_completion_tokens: 100 });
    expect(second.messages[0]).to.deep.equal({ role: 'system', content: 'Help ada.' });

    server.enqueue(...Array.from({ length: 3 }, () => reply.toolCalls(toolCall('missing_tool', {}))));
    const error = await rejectionOf(agents.create().run('loop'));
    expect(error.name).to.equal('MaxIterationsReached');
  });

  it('registers named agents with forFeature: one instance per name, reachable by getAgentToken', async () => {
    @Module({ imports: [ChatToolsModule.forFeature([{ name: 'stock', tags: ['warehouse'], instructions: 'Stock only.' }])] })
    class StockAgentModule {}
    app = await startApp(server, { imports: [WarehouseModule, BillingModule, StockAgentModule] });
    const agent = app.get(getAgentToken('stock'));
    expect(app.get(getAgentToken('stock'))).to.equal(agent);
    server.enqueue(reply.text('ok'));
    await agent.run('hi');
    const body = server.requests.at(-1)!.body;
    expect(body.messages[0].content).to.equal('Stock only.');
    expect(body.tools.map((tool: any) => tool.function.name)).to.deep.equal(['stock__check_stock']);
  });

  it('an agent run before the module initialized fails with a message saying when to run it', async () => {
    app = await compileApp(server, { imports: [BillingModule] });
    const agent = app.get(ChatAgents).create({ name: 'early' });
    const error = await rejectionOf(agent.run('hi'));
    expect(error).to.be.instanceOf(ChatToolsModuleError);
    expect(error.message).to.equal(
      'Agent "early" ran before ChatToolsModule initialized: toolsets are discovered in onModuleInit. ' +
        'Run agents after app.init() / app.listen() (in request handlers or onApplicationBootstrap), not in constructors or onModuleInit.',
    );
    expect(server.requests).to.have.length(0);
    await app.init();
    server.enqueue(reply.text('now it works'));
    expect((await agent.run('hi')).finalContent).to.equal('now it works');
  });

  it('rejects malformed create() options, unknown keys included (a typo must not widen the toolsets)', async () => {
    app = await startApp(server);
    const agents = app.get(ChatAgents);
    expect(() => agents.create({ tag: ['support'] } as never)).to.throw(ChatToolsModuleError, 'ChatAgents.create(): unknown option "tag". Known options: ');
    expect(() => agents.create({ tags: 'support' } as never)).to.throw(ChatToolsModuleError, 'ChatAgents.create(): `tags` must be an array of non-empty strings, got "support".');
    expect(() => agents.create({ toolsets: BillingModule } as never)).to.throw(ChatToolsModuleError, '`toolsets` must be an array of @Toolset classes or toolset objects');
    expect(() => agents.create({ name: 'x', model: '' })).to.throw(ChatToolsModuleError, 'ChatAgents.create({ name: "x" }): `model` must be a non-empty string, got "".');
    expect(() => agents.create(null as never)).to.throw(ChatToolsModuleError, 'ChatAgents.create(): options must be an object');
  });

  it('rejects forFeature definitions without a name or with a repeated name', () => {
    expect(() => ChatToolsModule.forFeature([{ tags: ['a'] } as never])).to.throw(
      ChatToolsModuleError,
      'ChatToolsModule.forFeature() agents[0]: `name` is required; @InjectAgent(name) finds the agent by it.',
    );
    expect(() => ChatToolsModule.forFeature([{ name: 'a' }, { name: 'a' }])).to.throw(
      ChatToolsModuleError,
      'ChatToolsModule.forFeature() agents[1]: two agents are named "a"; give each a distinct name.',
    );
    expect(() => ChatToolsModule.forFeature({ name: 'a' } as never)).to.throw(ChatToolsModuleError, 'takes an array of agent definitions');
  });

  it('is global: a feature module injects ChatAgents without importing ChatToolsModule', async () => {
    @Injectable()
    class Feature {
      constructor(readonly agents: ChatAgents) {}
    }
    @Module({ providers: [Feature] })
    class FeatureModule {}
    app = await startApp(server, { imports: [FeatureModule] });
    expect(app.get(Feature).agents).to.equal(app.get(ChatAgents));
  });
});
