import { Injectable, Module } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { createServer } from 'node:net';
import { expect } from 'chai';
import { Tool, ToolConfigurationError, Toolset } from 'chat-cmpl-stream-handler';
import { McpConnectionError } from 'chat-cmpl-stream-handler/mcp';
import { ChatAgents, ChatToolsModuleError } from 'chat-cmpl-stream-handler/nest';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { createDemoServer, newDemoLog, type DemoLog } from '../mcp/fixtures/demo-server.js';
import { startStreamableHttpServer, type HttpMcpServer } from '../mcp/fixtures/http-servers.js';
import { compileApp, initError, offeredTools, startApp } from './fixtures/harness.js';
import { BillingModule } from './fixtures/toolsets.js';

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('nest: MCP servers in module options', () => {
  let server: ScriptedChatServer;
  let mcp: HttpMcpServer;
  let log: DemoLog;
  let app: TestingModule | undefined;
  const mcpConfig = () => ({ url: `${mcp.url}/mcp`, label: 'demo', tags: ['ops'], filter: ['echo', 'whoami'] });
  const deletes = () => mcp.requests.filter((request) => request.method === 'DELETE').length;

  beforeEach(async () => {
    server = await ScriptedChatServer.start();
    log = newDemoLog();
    mcp = await startStreamableHttpServer(() => createDemoServer(log));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
    await mcp.close();
  });

  it('connects them on module init, offers their tools to agents with the run context, and closes them on shutdown', async () => {
    app = await compileApp(server, { imports: [BillingModule] }, { mcpServers: [mcpConfig()] });
    expect(mcp.requests).to.have.length(0);
    await app.init();
    expect(mcp.requests[0]).to.include({ method: 'POST', path: '/mcp' });

    const agents = app.get(ChatAgents);
    expect(await offeredTools(agents.create(), server)).to.deep.equal(['billing__balance', 'demo__echo', 'demo__whoami']);
    expect(await offeredTools(agents.create({ tags: ['ops'] }), server)).to.deep.equal(['demo__echo', 'demo__whoami']);
    expect(await offeredTools(agents.create({ mcpServers: ['demo'], toolsets: [] }), server)).to.deep.equal(['demo__echo', 'demo__whoami']);

    server.enqueue(reply.toolCalls(toolCall('demo__whoami', {})), reply.text('done'));
    await agents.create({ tags: ['ops'] }).run('who am I?', { context: { userId: 'ada' } });
    expect(log.calls.at(-1)).to.deep.include({ name: 'whoami' });
    expect(log.calls.at(-1)!.meta).to.deep.include({ context: { userId: 'ada' } });

    expect(deletes()).to.equal(0);
    await app.close();
    app = undefined;
    expect(deletes()).to.equal(1);
  });

  it('names the module MCP servers when an agent asks for one that does not exist', async () => {
    app = await startApp(server, {}, { mcpServers: [mcpConfig()] });
    expect(() => app!.get(ChatAgents).create({ mcpServers: ['docs'] })).to.throw(
      ChatToolsModuleError,
      'An agent of ChatAgents.create() asks for MCP server "docs", which the module does not have. Its MCP servers: "demo".',
    );
  });

  it('asks for distinct labels when two module MCP servers share the name an agent asks for', async () => {
    app = await startApp(server, {}, { mcpServers: [mcpConfig(), { ...mcpConfig(), filter: ['weather'] }] });
    expect(() => app!.get(ChatAgents).create({ mcpServers: ['demo'] })).to.throw(
      ChatToolsModuleError,
      'asks for MCP server "demo", but 2 servers have that name: give each a distinct `label` in mcpServers.',
    );
  });

  it('fails initialization when a server cannot be reached, and closes the ones that connected', async () => {
    const port = await closedPort();
    const compiled = await compileApp(server, {}, { mcpServers: [mcpConfig(), { url: `http://127.0.0.1:${port}/mcp`, label: 'gone' }] });
    const error = await initError(compiled);
    expect(error).to.be.instanceOf(McpConnectionError);
    expect(error.message).to.contain(`127.0.0.1:${port}`);
    expect(deletes()).to.equal(1);
  });

  it('reports an MCP tool and a @Toolset tool with one name, naming both owners', async () => {
    @Injectable()
    @Toolset()
    class EchoTools {
      @Tool({ name: 'demo__echo', input: null })
      async echo(): Promise<string> {
        return 'local echo';
      }
    }
    @Module({ providers: [EchoTools] })
    class EchoModule {}
    app = await startApp(server, { imports: [EchoModule] }, { mcpServers: [mcpConfig()] });
    expect(() => app!.get(ChatAgents).create()).to.throw(
      ToolConfigurationError,
      /^An agent of ChatAgents\.create\(\): Two tools are named "demo__echo": EchoTools\.echo and mcp server "demo"/,
    );
  });
});
