import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'chai';
import { streamUntilUserInput, ToolConfigurationError, UnknownToolError } from 'chat-cmpl-stream-handler';
import { buildMcpToolsAndInvokers, callMcpTool, listMcpTools, McpConnectionError, McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf, user } from '../support/helpers.js';
import { createDemoServer, newDemoLog, type DemoLog } from './fixtures/demo-server.js';
import { startStreamableHttpServer, type HttpMcpServer } from './fixtures/http-servers.js';
import { connectInMemory } from './fixtures/in-memory.js';
import { createSchemaServer } from './fixtures/schema-server.js';

describe('mcp: seed-parity helpers', () => {
  let log: DemoLog;
  let http: HttpMcpServer;
  let client: Client;
  let chat: ScriptedChatServer | undefined;
  beforeEach(async () => {
    log = newDemoLog();
    http = await startStreamableHttpServer(() => createDemoServer(log));
    client = await connectInMemory(createDemoServer(log));
  });
  afterEach(async () => {
    await chat?.close();
    chat = undefined;
    await client.close();
    await http.close();
  });

  it('listMcpTools returns the Chat Completions definitions and disconnects', async () => {
    const tools = await listMcpTools({ url: `${http.url}/mcp`, label: 'demo', filter: ['echo'] });
    expect(tools).to.deep.equal([
      {
        type: 'function',
        function: {
          name: 'demo__echo',
          description: 'Repeats the text',
          parameters: {
            type: 'object',
            properties: { text: { type: 'string' }, times: { type: ['integer', 'null'], minimum: 1, maximum: 9007199254740991 } },
            required: ['text', 'times'],
            additionalProperties: false,
          },
          strict: true,
        },
      },
    ]);
    expect(http.requests.at(-1)).to.deep.include({ method: 'DELETE' });
  });

  it('callMcpTool calls a tool by the name the model sees or by its server name, with context and JSON text arguments', async () => {
    const byExposed = await callMcpTool({ client, label: 'demo' }, 'demo__echo', { text: 'a' });
    const byOriginal = await callMcpTool({ client, label: 'demo' }, 'echo', '{"text":"b","times":2}');
    const whoami = await callMcpTool({ client }, 'whoami', {}, { context: { userId: 'u1' } });
    expect([byExposed.content, byOriginal.content]).to.deep.equal(['a', 'b b']);
    expect(JSON.parse(whoami.content)).to.deep.equal({ context: { userId: 'u1' } });
    expect(client.transport, 'a passed client stays connected').not.to.equal(undefined);

    const error = await rejectionOf(callMcpTool({ client, label: 'demo' }, 'demo__ecko'));
    expect(error).to.be.instanceOf(UnknownToolError);
    expect(error.message).to.contain('Unknown tool "demo__ecko"').and.contain('demo__echo');
  });

  it('buildMcpToolsAndInvokers gives tools and toolInvokers for a run across servers', async () => {
    await using built = await buildMcpToolsAndInvokers([
      { url: `${http.url}/mcp`, label: 'remote', filter: ['echo'] },
      { client, label: 'local', filter: ['whoami'] },
    ]);
    expect(built.tools.map((t) => t.function.name)).to.deep.equal(['remote__echo', 'local__whoami']);
    expect(Object.keys(built.toolInvokers)).to.deep.equal(['remote__echo', 'local__whoami']);

    chat = await ScriptedChatServer.start({
      script: [reply.toolCalls([toolCall('remote__echo', { text: 'hi', times: null }), toolCall('local__whoami', {})]), reply.text('done')],
    });
    await streamUntilUserInput({
      client: chat.client(),
      model: 'gpt-4.1-nano',
      messages: [user('go')],
      params: { tools: built.tools },
      toolInvokers: built.toolInvokers,
      context: { run: 1 },
    });
    const toolMessages = chat.requests[1]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);
    expect(toolMessages).to.deep.equal(['hi', '{"context":{"run":1}}']);
  });

  it('buildMcpToolsAndInvokers refuses two servers offering the same tool name, naming both, and closes what it opened', async () => {
    const other = await connectInMemory(createSchemaServer([{ name: 'echo', inputSchema: { type: 'object' } }]));
    const error = await rejectionOf(buildMcpToolsAndInvokers([{ url: `${http.url}/mcp` }, { client: other }]));
    await other.close();
    expect(error).to.be.instanceOf(ToolConfigurationError);
    expect(error.message).to.contain(
      'Two MCP tools would both be called "echo": tool "echo" of mcp server "demo-server" and tool "echo" of mcp server "schema-server"',
    );
    expect(http.requests.filter((r) => r.method === 'DELETE')).to.have.length(1);
  });

  it('buildMcpToolsAndInvokers closes the connections it opened when another server fails', async () => {
    const error = await rejectionOf(buildMcpToolsAndInvokers([{ url: `${http.url}/mcp` }, { url: `${http.url}/nowhere`, connectTimeout: 2_000 }]));
    expect(error).to.be.instanceOf(McpConnectionError);
    expect(error.message).to.contain(`${http.url}/nowhere`);
    expect(http.requests.filter((r) => r.method === 'DELETE')).to.have.length(1);
  });
});

describe('mcp: two toolsets in one run', () => {
  it('engine: two toolsets offering the same tool name fail the run instead of one silently replacing the other', async () => {
    const logs = [newDemoLog(), newDemoLog()];
    const clients = await Promise.all(logs.map((log) => connectInMemory(createDemoServer(log))));
    const toolsets = await Promise.all(clients.map((client) => McpToolset.connect({ client, filter: ['echo'] })));
    const chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('echo', { text: 'which?', times: null })), reply.text('ok')] });
    try {
      const error = await rejectionOf(streamUntilUserInput({ client: chat.client(), model: 'gpt-4.1-nano', messages: [user('echo')], tools: toolsets }));
      expect(error).to.be.instanceOf(ToolConfigurationError);
      expect(error.message).to.contain('echo');
    } finally {
      await chat.close({ force: true });
      await Promise.all(toolsets.map((t) => t.close()));
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});

describe('mcp: invokers called the seed way, (toolCall, context)', () => {
  it('buildMcpToolsAndInvokers invokers run with two arguments, context forwarded', async () => {
    const log = newDemoLog();
    const client = await connectInMemory(createDemoServer(log));
    try {
      await using built = await buildMcpToolsAndInvokers([{ client, label: 'demo', filter: ['echo', 'whoami'] }]);
      const echo = await built.toolInvokers['demo__echo']!({ id: 'c1', type: 'function', function: { name: 'demo__echo', arguments: '{"text":"hi","times":2}' } }, undefined);
      const whoami = await built.toolInvokers['demo__whoami']!({ id: 'c2', type: 'function', function: { name: 'demo__whoami', arguments: '{}' } }, { user: 'u1' });
      expect([(echo as { content: string }).content, JSON.parse((whoami as { content: string }).content)]).to.deep.equal(['hi hi', { context: { user: 'u1' } }]);
    } finally {
      await client.close();
    }
  });
});
