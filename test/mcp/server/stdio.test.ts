import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { JSON_SCHEMA_2020_12 } from 'chat-cmpl-stream-handler';

const EXAMPLE = fileURLToPath(new URL('../../../examples/mcp-server-stdio.js', import.meta.url));

describe('mcp server over stdio: createMcpServer + the SDK stdio transport in a child process (examples/mcp-server-stdio)', () => {
  let client: Client;
  const logs: unknown[] = [];

  before(async () => {
    client = new Client({ name: 'stdio-client', version: '1.0.0' });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void logs.push(notification.params));
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [EXAMPLE, 'serve'], stderr: 'pipe' }));
  });
  after(async () => {
    await client.close();
  });

  it('lists the toolset with its 2020-12 input and output schemas and annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools).to.have.length(1);
    const [current] = tools;
    expect(current).to.deep.include({ name: 'weather__current', title: 'Current weather', description: 'Current weather for a city' });
    expect(current!.annotations).to.deep.equal({ title: 'Current weather', readOnlyHint: true, openWorldHint: false });
    expect(current!.inputSchema).to.deep.include({ $schema: JSON_SCHEMA_2020_12, required: ['city'] });
    expect(current!.outputSchema).to.deep.include({ $schema: JSON_SCHEMA_2020_12, required: ['city', 'temperature', 'unit', 'sky'] });
  });

  it('answers calls with structured content, logs to the client, and reports thrown errors without a stack', async () => {
    expect(await client.callTool({ name: 'weather__current', arguments: { city: 'Oslo', unit: 'f' } })).to.deep.equal({
      content: [{ type: 'text', text: '{"city":"Oslo","temperature":39,"unit":"f","sky":"sunny"}' }],
      structuredContent: { city: 'Oslo', temperature: 39, unit: 'f', sky: 'sunny' },
    });
    expect(logs).to.deep.equal([{ level: 'info', data: 'weather asked for Oslo' }]);
    expect(await client.callTool({ name: 'weather__current', arguments: { city: 'Atlantis' } })).to.deep.equal({
      content: [{ type: 'text', text: 'No weather station in Atlantis; try Tokyo, Oslo or Lima.' }],
      isError: true,
    });
  });
});
