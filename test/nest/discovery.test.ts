import { Injectable, Module } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { expect } from 'chai';
import { Tool, ToolConfigurationError, Toolset } from 'chat-cmpl-stream-handler';
import { ChatAgents, ChatToolsModule, ChatToolsModuleError, InjectAgent } from 'chat-cmpl-stream-handler/nest';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { compileApp, initError, offeredTools, startApp } from './fixtures/harness.js';
import {
  BillingModule,
  BillingTools,
  FinanceModule,
  ImplicitlyRequestScopedTools,
  Inventory,
  LooseTools,
  RequestScopedTools,
  RequestUser,
  ShadowStockTools,
  StockTools,
  TransientTools,
  WarehouseModule,
} from './fixtures/toolsets.js';

describe('nest: toolset discovery', () => {
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

  it('finds @Toolset providers in every module, nested ones too, with their injected dependencies', async () => {
    app = await startApp(server, { imports: [WarehouseModule, FinanceModule] });
    const agent = app.get(ChatAgents).create();
    expect(await offeredTools(agent, server)).to.deep.equal(['stock__check_stock', 'billing__balance']);

    server.enqueue(reply.toolCalls(toolCall('stock__check_stock', { sku: 'sku-1' })), reply.text('4 left.'));
    const result = await agent.run('Stock of sku-1?', { context: { userId: 'u-7' } });
    expect(result.messages.at(-2)).to.deep.include({ role: 'tool', content: 'sku-1: 4 in stock (asked by u-7)' });
  });

  it('chooses toolsets by class, by tag (any of them), both at once, or none', async () => {
    app = await startApp(server, { imports: [WarehouseModule, FinanceModule] });
    const agents = app.get(ChatAgents);
    expect(await offeredTools(agents.create({ toolsets: [BillingTools] }), server)).to.deep.equal(['billing__balance']);
    expect(await offeredTools(agents.create({ tags: ['warehouse'] }), server)).to.deep.equal(['stock__check_stock']);
    expect(await offeredTools(agents.create({ tags: ['finance', 'warehouse'] }), server)).to.deep.equal(['billing__balance', 'stock__check_stock']);
    expect(await offeredTools(agents.create({ toolsets: [StockTools], tags: ['support'] }), server)).to.deep.equal(['stock__check_stock', 'billing__balance']);
    expect(await offeredTools(agents.create({ toolsets: [] }), server)).to.deep.equal([]);
  });

  it('uses toolset objects in `toolsets` as they are, next to discovered classes', async () => {
    app = await startApp(server, { imports: [WarehouseModule] });
    const agent = app.get(ChatAgents).create({ toolsets: [new LooseTools(), StockTools] });
    expect(await offeredTools(agent, server)).to.deep.equal(['loose__ping', 'stock__check_stock']);
  });

  it('finds toolsets provided by useValue, useFactory and useClass, and counts an alias (useExisting) once', async () => {
    @Module({
      providers: [
        { provide: 'LOOSE', useValue: new LooseTools() },
        { provide: 'BILLING', useFactory: () => new BillingTools() },
        { provide: 'STOCK', useClass: StockTools },
        { provide: 'STOCK_ALIAS', useExisting: 'STOCK' },
        Inventory,
      ],
    })
    class CustomProvidersModule {}
    app = await startApp(server, { imports: [CustomProvidersModule] });
    expect(await offeredTools(app.get(ChatAgents).create(), server)).to.deep.equal(['loose__ping', 'billing__balance', 'stock__check_stock']);
  });

  it('names what is wrong with a selection: a class no module provides, a class without @Toolset, an unknown tag', async () => {
    app = await startApp(server, { imports: [WarehouseModule] });
    const agents = app.get(ChatAgents);
    expect(() => agents.create({ name: 'helper', toolsets: [LooseTools] }))
      .to.throw(ChatToolsModuleError, 'Agent "helper": toolsets[0] is LooseTools, but no module provides it. Add it to the providers of a module')
      .with.property('message')
      .that.contains('Discovered toolsets: StockTools.');
    expect(() => agents.create({ toolsets: [Inventory] })).to.throw(ChatToolsModuleError, 'toolsets[0] is function Inventory, which is not a @Toolset class');
    expect(() => agents.create({ toolsets: [{ not: 'a toolset' }] })).to.throw(ChatToolsModuleError, 'toolsets[0] is an object: pass @Toolset classes');
    expect(() => agents.create({ tags: ['warehouse', 'wearhouse'] })).to.throw(
      ChatToolsModuleError,
      'An agent of ChatAgents.create() asks for tag "wearhouse", but no @Toolset provider or MCP server has it. Tags in use: "warehouse".',
    );
  });

  it('fails initialization for a request-scoped, transient or implicitly request-scoped @Toolset provider, saying to use the run context', async () => {
    for (const [Tools, problem] of [
      [RequestScopedTools, 'RequestScopedTools (in ScopedModule) is request-scoped (Scope.REQUEST)'],
      [TransientTools, 'TransientTools (in ScopedModule) is transient (Scope.TRANSIENT)'],
      [ImplicitlyRequestScopedTools, 'ImplicitlyRequestScopedTools (in ScopedModule) depends on RequestUser, which is request-scoped, which makes it request-scoped too'],
    ] as const) {
      @Module({ providers: [Tools, RequestUser] })
      class ScopedModule {}
      const compiled = await compileApp(server, { imports: [ScopedModule] });
      const error = await initError(compiled);
      expect(error).to.be.instanceOf(ChatToolsModuleError);
      expect(error.message).to.contain(problem);
      expect(error.message).to.contain('pass per-request data such as the current user as the run context');
    }
  });

  it('fails initialization when two modules provide the same @Toolset class', async () => {
    @Module({ providers: [BillingTools] })
    class AccountsModule {}
    const compiled = await compileApp(server, { imports: [BillingModule, AccountsModule] });
    const error = await initError(compiled);
    expect(error).to.be.instanceOf(ChatToolsModuleError);
    expect(error.message).to.equal(
      'BillingTools is provided by two modules (BillingModule and AccountsModule), so Nest created two instances whose tools ' +
        'have the same names. Provide it in one module and export it from there.',
    );
  });

  it('rejects malformed @Toolset tags at initialization, naming the class', async () => {
    @Injectable()
    @Toolset({ tags: 'support' as unknown as string[] })
    class BadlyTaggedTools {
      @Tool({ input: null })
      async ping(): Promise<string> {
        return 'pong';
      }
    }
    const compiled = await compileApp(server, { providers: [BadlyTaggedTools] });
    const error = await initError(compiled);
    expect(error.message).to.equal('@Toolset tags of BadlyTaggedTools must be an array of non-empty strings, got "support".');
  });

  describe('two discovered tools with one name', () => {
    @Module({ providers: [ShadowStockTools] })
    class ShadowModule {}

    it('fail the initialization when a registered agent would get both, naming the agent and both owners', async () => {
      @Module({ imports: [ChatToolsModule.forFeature([{ name: 'everything' }])] })
      class AgentsModule {}
      const compiled = await compileApp(server, { imports: [WarehouseModule, ShadowModule, AgentsModule] });
      const error = await initError(compiled);
      expect(error).to.be.instanceOf(ToolConfigurationError);
      expect(error.message).to.equal(
        'Agent "everything": Two tools are named "stock__check_stock": StockTools.checkStock and ShadowStockTools.shadow. ' +
          'Rename one (@Tool({ name }), a @Toolset prefix, or an MCP label).',
      );
    });

    it('make create() throw after initialization; a selection without the clash works', async () => {
      app = await startApp(server, { imports: [WarehouseModule, ShadowModule] });
      const agents = app.get(ChatAgents);
      expect(() => agents.create()).to.throw(ToolConfigurationError, 'StockTools.checkStock and ShadowStockTools.shadow');
      expect(await offeredTools(agents.create({ tags: ['clash'] }), server)).to.deep.equal(['stock__check_stock']);
    });

    it('are checked at initialization for agents created earlier, in a provider constructor', async () => {
      @Injectable()
      class EagerService {
        readonly agent = this.agents.create({ name: 'eager' });
        constructor(readonly agents: ChatAgents) {}
      }
      const compiled = await compileApp(server, { imports: [WarehouseModule, ShadowModule], providers: [EagerService] });
      const error = await initError(compiled);
      expect(error.message).to.match(/^Agent "eager": Two tools are named "stock__check_stock"/);
    });
  });

  it('lets a provider inject a named agent with @InjectAgent', async () => {
    @Injectable()
    class Cashier {
      constructor(@InjectAgent('billing') readonly agent: import('chat-cmpl-stream-handler').Agent) {}
    }
    @Module({ imports: [ChatToolsModule.forFeature([{ name: 'billing', tags: ['finance'] }])], providers: [Cashier] })
    class CashierModule {}
    app = await startApp(server, { imports: [WarehouseModule, FinanceModule, CashierModule] });
    expect(await offeredTools(app.get(Cashier).agent, server)).to.deep.equal(['billing__balance']);
  });
});
