import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'chai';
import { TOOL_SOURCE, ToolConfigurationError, ToolResult, type ToolCall } from 'chat-cmpl-stream-handler';
import { McpConfigurationError, McpConnectionError, McpToolset, type McpServerConfig, type McpTool } from 'chat-cmpl-stream-handler/mcp';
import { rejectionOf, sleep } from '../support/helpers.js';
import { createDemoServer, newDemoLog, RED_DOT_PNG, type DemoLog } from './fixtures/demo-server.js';
import { connectInMemory } from './fixtures/in-memory.js';
import { createSchemaServer, type RawTool } from './fixtures/schema-server.js';

const call = (name: string, args: unknown = {}): ToolCall => ({
  id: 'call_1',
  type: 'function',
  function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
});
const noSignal = () => ({ signal: new AbortController().signal, iteration: 0 });

function tool(toolset: McpToolset, exposedName: string): McpTool {
  const found = toolset.tools.find((candidate) => candidate.schema.function.name === exposedName);
  if (!found) throw new Error(`no tool ${exposedName}; have ${toolset.tools.map((t) => t.schema.function.name).join(', ')}`);
  return found;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (condition()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('mcp: McpToolset over an in-process server', () => {
  let client: Client;
  let log: DemoLog;
  let toolset: McpToolset | undefined;

  beforeEach(async () => {
    log = newDemoLog();
    client = await connectInMemory(createDemoServer(log));
  });
  afterEach(async () => {
    await toolset?.close();
    toolset = undefined;
    await client.close();
  });

  it('offers every tool as label__name with its description and the owner set, and calls the original name', async () => {
    toolset = await McpToolset.connect({ client, label: 'demo' });
    expect(toolset.tools.map((t) => t.schema.function.name)).to.have.members([
      'demo__echo', 'demo__whoami', 'demo__fail', 'demo__slow', 'demo__weather', 'demo__picture', 'demo__add_tool',
    ]);
    const echo = tool(toolset, 'demo__echo');
    expect(echo.schema.function.description).to.equal('Repeats the text');
    expect(echo.owner).to.equal('mcp server "demo"');
    expect(echo.mcpName).to.equal('echo');
    expect(toolset[TOOL_SOURCE]).to.be.a('function');

    const result = await echo.invoke(call('demo__echo', { text: 'hi', times: 2 }), undefined, noSignal());
    expect(result.content).to.equal('hi hi');
    expect(log.calls[0]).to.deep.include({ name: 'echo', args: { text: 'hi', times: 2 } });
  });

  it('names the server after itself when there is no label', async () => {
    toolset = await McpToolset.connect({ client });
    expect(toolset.name).to.equal('demo-server');
    expect(tool(toolset, 'echo').owner).to.equal('mcp server "demo-server"');
  });

  it('drops the null the model sends for an optional property before calling the server', async () => {
    toolset = await McpToolset.connect({ client });
    const echo = tool(toolset, 'echo');
    expect(echo.schema.function.strict).to.equal(true);
    expect(echo.schema.function.parameters).to.deep.include({ required: ['text', 'times'], additionalProperties: false });
    const result = await echo.invoke(call('echo', { text: 'once', times: null }), undefined, noSignal());
    expect(result.content).to.equal('once');
    expect(log.calls[0]!.args).to.deep.equal({ text: 'once' });
  });

  it('rejects arguments that are not a JSON object, naming the tool, before calling the server', async () => {
    toolset = await McpToolset.connect({ client });
    const error = await rejectionOf(Promise.resolve(tool(toolset, 'echo').invoke(call('echo', '[1,2]'), undefined, noSignal())));
    expect(error.name).to.equal('ToolArgumentsError');
    expect(error.message).to.contain('Invalid arguments for tool "echo"').and.contain('must be a JSON object, got an array');
    expect(log.calls).to.have.length(0);
  });

  it('forwards a JSON-safe copy of the context as _meta.context, next to the static meta', async () => {
    toolset = await McpToolset.connect({ client, meta: { tenant: 'acme', context: 'overridden by the run context' } });
    const context: Record<string, unknown> = { userId: 'u1', since: new Date(0), big: 10n, skip: () => 1, tags: new Set(['a']) };
    context['self'] = context;
    const result = await tool(toolset, 'whoami').invoke(call('whoami'), context, noSignal());
    expect(JSON.parse(result.content)).to.deep.equal({
      tenant: 'acme',
      context: { userId: 'u1', since: '1970-01-01T00:00:00.000Z', big: '10', tags: ['a'], self: '[Circular]' },
    });
  });

  it('sends no context with forwardContext: false, and no _meta at all when there is nothing to send', async () => {
    toolset = await McpToolset.connect({ client, forwardContext: false, meta: { tenant: 'acme' } });
    const withMeta = await tool(toolset, 'whoami').invoke(call('whoami'), { secret: 'x' }, noSignal());
    expect(JSON.parse(withMeta.content)).to.deep.equal({ tenant: 'acme' });
    await toolset.close();

    toolset = await McpToolset.connect({ client, forwardContext: false });
    const without = await tool(toolset, 'whoami').invoke(call('whoami'), { secret: 'x' }, noSignal());
    expect(without.content).to.equal('null');
  });

  it('turns isError into ToolResult.error with the text for the model and the full MCP result in metadata', async () => {
    toolset = await McpToolset.connect({ client });
    const result = await tool(toolset, 'fail').invoke(call('fail'), undefined, noSignal());
    expect(ToolResult.is(result)).to.equal(true);
    expect(result.isError).to.equal(true);
    expect(result.content).to.equal('Disk full');
    expect(result.metadata).to.deep.equal({
      mcp: { isError: true, content: [{ type: 'text', text: 'Disk full' }] },
      server: 'mcp server "demo-server"',
      tool: 'fail',
    });
  });

  it('prefers structuredContent, as compact JSON', async () => {
    toolset = await McpToolset.connect({ client });
    const result = await tool(toolset, 'weather').invoke(call('weather', { city: 'Oslo' }), undefined, noSignal());
    expect(result.content).to.equal('{"city":"Oslo","tempC":21,"sky":"clear"}');
    expect(result.metadata.mcp.content).to.deep.equal([{ type: 'text', text: 'It is 21 °C and clear in Oslo.' }]);
  });

  it('renders non-text blocks as one line of compact JSON each, with binary data replaced by its size', async () => {
    toolset = await McpToolset.connect({ client });
    const result = await tool(toolset, 'picture').invoke(call('picture'), undefined, noSignal());
    const bytes = Buffer.from(RED_DOT_PNG, 'base64').length;
    const [caption, ...blocks] = result.content.split('\n');
    expect(caption).to.equal('A red dot:');
    expect(blocks.map((line) => JSON.parse(line))).to.deep.equal([
      { type: 'image', mimeType: 'image/png', bytes },
      { type: 'resource', resource: { uri: 'file:///dot.png', mimeType: 'image/png', bytes } },
      { type: 'resource_link', uri: 'file:///notes.txt', name: 'notes', mimeType: 'text/plain' },
    ]);
    for (const line of blocks) expect(line).to.equal(JSON.stringify(JSON.parse(line)));
    expect((result.metadata.mcp.content[1] as { data: string }).data).to.equal(RED_DOT_PNG);
  });

  it('filters by names or by a predicate on the MCP definition', async () => {
    toolset = await McpToolset.connect({ client, filter: ['echo', 'fail'] });
    expect(toolset.tools.map((t) => t.mcpName)).to.deep.equal(['echo', 'fail']);
    await toolset.close();
    toolset = await McpToolset.connect({ client, filter: (definition) => definition.description?.includes('Always') ?? false });
    expect(toolset.definitions.map((d) => d.name)).to.deep.equal(['fail']);
  });

  it('rejects a filter that names a tool the server does not have, listing the tools it has', async () => {
    const error = await rejectionOf(McpToolset.connect({ client, filter: ['echo', 'ecko'] }));
    expect(error).to.be.instanceOf(McpConfigurationError);
    expect(error.message).to.contain('"ecko"').and.contain('Its tools: echo, whoami, fail');
  });

  it('marks the list stale on notifications/tools/list_changed and refreshes it at the next TOOL_SOURCE call', async () => {
    toolset = await McpToolset.connect({ client });
    expect(toolset.stale).to.equal(false);
    await tool(toolset, 'add_tool').invoke(call('add_tool'), undefined, noSignal());
    await waitFor(() => toolset!.stale, 'the list_changed notification');
    expect(toolset.tools.map((t) => t.mcpName)).not.to.include('late_tool');
    const refreshed = await toolset[TOOL_SOURCE]();
    expect(refreshed.map((t) => t.schema.function.name)).to.include('late_tool');
    expect(toolset.stale).to.equal(false);
    expect(await toolset[TOOL_SOURCE]()).to.equal(refreshed);
  });

  it("observes list_changed on a client you passed without replacing the client's own handler", async () => {
    let ownHandlerCalls = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void ownHandlerCalls++);
    toolset = await McpToolset.connect({ client });
    await tool(toolset, 'add_tool').invoke(call('add_tool'), undefined, noSignal());
    await waitFor(() => toolset!.stale && ownHandlerCalls === 1, 'both handlers');
  });

  it('never closes a client you passed; a closed one fails calls with a clear error instead of reconnecting', async () => {
    toolset = await McpToolset.connect({ client });
    await toolset.close();
    expect(client.transport).not.to.equal(undefined);
    await client.listTools();

    toolset = await McpToolset.connect({ client });
    await client.close();
    const error = await rejectionOf(Promise.resolve(tool(toolset, 'echo').invoke(call('echo', { text: 'x' }), undefined, noSignal())));
    expect(error).to.be.instanceOf(McpConnectionError);
    expect(error.message).to.contain('is not connected').and.contain('never reconnected');
  });

  it('fails calls after close() with a clear error', async () => {
    toolset = await McpToolset.connect({ client });
    const echo = tool(toolset, 'echo');
    await toolset.close();
    const error = await rejectionOf(Promise.resolve(echo.invoke(call('echo', { text: 'x' }), undefined, noSignal())));
    expect(error).to.be.instanceOf(McpConnectionError);
    expect(error.message).to.contain('was closed');
  });
});

describe('mcp: tool names and schemas', () => {
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  async function connectTools(tools: RawTool[], config: Omit<McpServerConfig, 'client'> = {}, received?: { name: string; args: unknown }[]) {
    const client = await connectInMemory(createSchemaServer(tools, received));
    clients.push(client);
    return McpToolset.connect({ ...config, client } as McpServerConfig);
  }
  const objectSchema = { type: 'object', properties: {} };

  it('replaces characters OpenAI does not accept and shortens long names with a stable hash, calling the original name', async () => {
    const longName = `${'very_long_tool_name_'.repeat(4)}end`;
    const received: { name: string; args: unknown }[] = [];
    const tools = [
      { name: 'files.read/v2', inputSchema: objectSchema },
      { name: longName, inputSchema: objectSchema },
    ];
    const first = await connectTools(tools, { label: 'my server' }, received);
    const names = first.tools.map((t) => t.schema.function.name);
    expect(names[0]).to.equal('my_server__files_read_v2');
    expect(names[1]).to.have.length(64).and.match(/^my_server__very_long_tool_name_very_long.*_[0-9a-f]{8}$/);
    for (const name of names) expect(name).to.match(/^[a-zA-Z0-9_-]{1,64}$/);
    const again = await connectTools(tools, { label: 'my server' });
    expect(again.tools.map((t) => t.schema.function.name)).to.deep.equal(names);

    await first.tools[1]!.invoke(call(names[1]!), undefined, noSignal());
    await first.tools[0]!.invoke(call(names[0]!), undefined, noSignal());
    expect(received.map((r) => r.name)).to.deep.equal([longName, 'files.read/v2']);
  });

  it('refuses two tools that end up with one name, naming both and the server', async () => {
    const error = await rejectionOf(connectTools([
      { name: 'files.read', inputSchema: objectSchema },
      { name: 'files_read', inputSchema: objectSchema },
    ], { label: 'fs' }));
    expect(error).to.be.instanceOf(ToolConfigurationError);
    expect(error.message).to.contain('"fs__files_read"').and.contain('tool "files.read" of mcp server "fs"').and.contain('tool "files_read" of mcp server "fs"');
  });

  it('does not offer tools that can only run as tasks', async () => {
    const toolset = await connectTools([
      { name: 'plain', inputSchema: objectSchema },
      { name: 'task_only', inputSchema: objectSchema, execution: { taskSupport: 'required' } },
    ]);
    expect(toolset.tools.map((t) => t.mcpName)).to.deep.equal(['plain']);
  });

  it('sends every schema as the server gave it with strict: false when configured so', async () => {
    const inputSchema = { type: 'object', properties: { a: { type: 'string' } }, $schema: 'http://json-schema.org/draft-07/schema#' };
    const toolset = await connectTools([{ name: 'loose', inputSchema }], { strict: false });
    expect(toolset.tools[0]!.schema.function).to.deep.include({ strict: false, parameters: { type: 'object', properties: { a: { type: 'string' } } } });
  });
});
