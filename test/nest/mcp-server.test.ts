import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { expect } from 'chai';
import { Agent } from 'chat-cmpl-stream-handler';
import { McpConnectionError, McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { ChatToolsModule, ChatToolsModuleError, type ChatToolsModuleOptions } from 'chat-cmpl-stream-handler/nest';
import { listenOnLoopback } from './fixtures/http-app.js';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { createDemoServer, newDemoLog } from '../mcp/fixtures/demo-server.js';
import { startStreamableHttpServer } from '../mcp/fixtures/http-servers.js';
import { rejectionOf } from '../support/helpers.js';
import { TEST_MODEL } from './fixtures/harness.js';
import { BillingModule, WarehouseModule, type Caller } from './fixtures/toolsets.js';

/** Signs in `Bearer <userId>` as `request.user`; refuses anything else with 401. */
@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    const match = /^Bearer (\w+)$/.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException('a bearer token is required');
    request.user = { userId: match[1] } satisfies Caller;
    return true;
  }
}

const tools = (toolset: McpToolset) => toolset.tools.map((tool) => tool.mcpName);
const invoke = (toolset: McpToolset, mcpName: string, args: object) => {
  const tool = toolset.tools.find((candidate) => candidate.mcpName === mcpName)!;
  return tool.invoke({ id: 'call_1', type: 'function', function: { name: tool.schema.function.name, arguments: JSON.stringify(args) } }, undefined);
};

describe('nest: mcpServer serves toolsets from a route of the app', () => {
  let chat: ScriptedChatServer;
  let app: INestApplication | undefined;
  let url: string;
  const opened: McpToolset[] = [];

  async function startHttpApp(options: Partial<ChatToolsModuleOptions>, metadata: ModuleMetadata = {}): Promise<void> {
    const root = ChatToolsModule.forRoot({ client: chat.client(), model: TEST_MODEL, ...options });
    const moduleRef = await Test.createTestingModule({ ...metadata, imports: [root, WarehouseModule, BillingModule, ...(metadata.imports ?? [])] }).compile();
    const listening = await listenOnLoopback(moduleRef);
    app = listening.app;
    url = `${listening.url}/mcp`;
  }
  async function connect(userId?: string): Promise<McpToolset> {
    const toolset = await McpToolset.connect({ url, label: 'app', ...(userId === undefined ? {} : { headers: { authorization: `Bearer ${userId}` } }) });
    opened.push(toolset);
    return toolset;
  }

  beforeEach(async () => {
    chat = await ScriptedChatServer.start();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((toolset) => toolset.close()));
    await app?.close();
    app = undefined;
    await chat.close();
  });

  it('serves the toolsets its tags select, with the request user (set by the route guard) as the context', async () => {
    await startHttpApp({ mcpServer: { path: '/mcp', tags: ['warehouse'], guards: [BearerGuard] } });
    const ada = await connect('ada');
    expect(tools(ada)).to.deep.equal(['stock__check_stock']);
    expect((await invoke(ada, 'stock__check_stock', { sku: 'sku-1' })).content).to.equal('sku-1: 4 in stock (asked by ada)');
    const bob = await connect('bob');
    expect((await invoke(bob, 'stock__check_stock', { sku: 'sku-2' })).content).to.equal('sku-2: 0 in stock (asked by bob)');
    const invalid = await invoke(bob, 'stock__check_stock', { sku: 'apple' });
    expect(invalid.isError).to.equal(true);
    expect(invalid.content).to.contain('- sku: must match');
  });

  it("the route guard refuses a request without a token: no session, no tool list", async () => {
    await startHttpApp({ mcpServer: { path: '/mcp', guards: [BearerGuard] } });
    const error = await rejectionOf(connect());
    expect(error).to.be.instanceOf(McpConnectionError);
    expect(error.message).to.match(/401/);
  });

  it("global guards apply too (APP_GUARD), and every discovered toolset is served when neither tags nor toolsets are given", async () => {
    await startHttpApp({ mcpServer: { path: '/mcp' } }, { providers: [{ provide: APP_GUARD, useClass: BearerGuard }] });
    expect(await rejectionOf(connect())).to.be.instanceOf(McpConnectionError);
    const ada = await connect('ada');
    expect(tools(ada).sort()).to.deep.equal(['billing__balance', 'stock__check_stock']);
    expect((await invoke(ada, 'billing__balance', {})).content).to.equal('balance of ada: 12.50 EUR');
  });

  it('context can be made from the request by the option; an Agent elsewhere mounts the app as just another toolset', async () => {
    await startHttpApp({ mcpServer: { path: '/mcp', toolsets: [], tags: ['finance'], context: (request) => ({ userId: `tenant-${request.headers['x-tenant']}` }) } });
    const toolset = await McpToolset.connect({ url, label: 'app', headers: { 'x-tenant': 'acme' } });
    opened.push(toolset);
    const agent = new Agent({ client: chat.client(), model: TEST_MODEL, toolsets: [toolset] });
    chat.enqueue(reply.toolCalls(toolCall('app__billing__balance', {})), reply.text('You have 12.50 EUR.'));
    const result = await agent.run('What is my balance?');
    expect(result.finalContent).to.equal('You have 12.50 EUR.');
    expect(chat.bodies[1].messages.at(-1)).to.deep.include({ role: 'tool', content: 'balance of tenant-acme: 12.50 EUR' });
  });

  it('forRootAsync takes mcpServer beside the factory, and refuses it from the factory', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ChatToolsModule.forRootAsync({ mcpServer: { path: 'mcp', tags: ['warehouse'] }, useFactory: () => ({ client: chat.client(), model: TEST_MODEL }) }),
        WarehouseModule,
      ],
    }).compile();
    const listening = await listenOnLoopback(moduleRef);
    app = listening.app;
    url = `${listening.url}/mcp`;
    const toolset = await McpToolset.connect({ url, label: 'app' });
    opened.push(toolset);
    expect(tools(toolset)).to.deep.equal(['stock__check_stock']);

    const wrong = await Test.createTestingModule({
      imports: [ChatToolsModule.forRootAsync({ useFactory: () => ({ client: chat.client(), model: TEST_MODEL, mcpServer: { path: '/mcp' } }) })],
    })
      .setLogger({ log() {}, error() {}, warn() {}, debug() {}, verbose() {} })
      .compile()
      .then(
        () => undefined,
        (error: Error) => error,
      );
    expect(wrong).to.be.instanceOf(ChatToolsModuleError);
    expect(wrong!.message).to.contain('`mcpServer` cannot come from the factory');
  });

  it('reports malformed options and a tag nothing has', async () => {
    expect(() => ChatToolsModule.forRoot({ client: chat.client(), model: TEST_MODEL, mcpServer: { path: '' } })).to.throw(
      ChatToolsModuleError,
      "ChatToolsModule.forRoot(): `mcpServer`: `path` must be the route of the MCP endpoint, such as '/mcp', got \"\".",
    );
    expect(() => ChatToolsModule.forRoot({ client: chat.client(), model: TEST_MODEL, mcpServer: { path: '/mcp', mcpServers: ['x'] } as never })).to.throw(
      ChatToolsModuleError,
      'unknown option "mcpServers"',
    );
    const moduleRef = await Test.createTestingModule({
      imports: [ChatToolsModule.forRoot({ client: chat.client(), model: TEST_MODEL, mcpServer: { path: '/mcp', tags: ['nope'] } }), WarehouseModule],
    }).compile();
    const error = await rejectionOf(moduleRef.init());
    await moduleRef.close().catch(() => undefined);
    expect(error).to.be.instanceOf(ChatToolsModuleError);
    expect(error.message).to.contain('ChatToolsModule mcpServer asks for tag "nope"');
  });

  it("never serves the module's own MCP client servers again, even when a tag names them", async () => {
    const demo = await startStreamableHttpServer(() => createDemoServer(newDemoLog()));
    try {
      await startHttpApp({ mcpServers: [{ url: `${demo.url}/mcp`, label: 'demo', tags: ['warehouse'] }], mcpServer: { path: '/mcp', tags: ['warehouse'] } });
      expect(tools(await connect())).to.deep.equal(['stock__check_stock']);
    } finally {
      await Promise.all(opened.splice(0).map((toolset) => toolset.close()));
      await app?.close();
      app = undefined;
      await demo.close();
    }
  });

  it('ends its MCP sessions when the app shuts down, so closing does not wait on their open streams', async () => {
    await startHttpApp({ mcpServer: { path: '/mcp', tags: ['warehouse'] } });
    const toolset = await connect();
    await app!.close();
    app = undefined;
    const error = await rejectionOf(Promise.resolve(invoke(toolset, 'stock__check_stock', { sku: 'sku-1' })));
    expect(error).to.be.an('error');
  });
});
