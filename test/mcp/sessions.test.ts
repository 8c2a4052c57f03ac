import { expect } from 'chai';
import type { ToolCall } from 'chat-cmpl-stream-handler';
import { McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { createDemoServer, newDemoLog, type DemoLog } from './fixtures/demo-server.js';
import { startStreamableHttpServer, type HttpMcpServer } from './fixtures/http-servers.js';

const echo = (text: string): ToolCall => ({ id: 'call_echo', type: 'function', function: { name: 'echo', arguments: JSON.stringify({ text }) } });
const sessionIds = (server: HttpMcpServer) => [...new Set(server.requests.map((request) => request.headers['mcp-session-id']).filter((id) => id !== undefined))];
const initializations = (server: HttpMcpServer) => server.requests.filter((request) => request.method === 'POST' && request.headers['mcp-session-id'] === undefined).length;

describe('mcp: a Streamable HTTP session the server forgot (404)', () => {
  let server: HttpMcpServer;
  let log: DemoLog;
  let toolset: McpToolset | undefined;
  beforeEach(async () => {
    log = newDemoLog();
    server = await startStreamableHttpServer(() => createDemoServer(log));
    toolset = await McpToolset.connect({ url: `${server.url}/mcp` });
  });
  afterEach(async () => {
    await toolset?.close();
    toolset = undefined;
    await server.close();
  });

  it('is initialised again once and the call goes through, transparently', async () => {
    const tool = toolset!.tools.find((candidate) => candidate.mcpName === 'echo')!;
    expect((await tool.invoke(echo('before'), undefined)).content).to.equal('before');
    server.forgetSessions();

    expect((await tool.invoke(echo('after'), undefined)).content).to.equal('after');
    expect(initializations(server)).to.equal(2);
    expect(sessionIds(server)).to.have.length(2);
    // The server ran the call once: the request that got 404 never reached a tool.
    expect(log.calls.map((call) => call.args['text'])).to.deep.equal(['before', 'after']);
    // The new session may offer other tools: the list is fetched again before the next model request.
    expect(toolset!.stale).to.equal(true);
  });

  it('also when listing tools', async () => {
    server.forgetSessions();
    expect((await toolset!.refresh()).map((tool) => tool.mcpName)).to.include('echo');
    expect(initializations(server)).to.equal(2);
  });
});
