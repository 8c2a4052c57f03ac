import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect } from 'chai';
import { runExample } from '../support/run-example.js';

describe('examples: MCP client and server (run against their scripted servers)', () => {
  it('mcp-client: per-tenant headers, elicitation with defaults, sampling, progress hooks, resources and prompts', async () => {
    const output = await runExample('mcp-client');
    expect(output).to.contain('Resources: kb://returns');
    expect(output).to.contain('[elicitation for acme] How urgent is "Broken zipper"?');
    expect(output).to.contain('[progress] helpdesk__open_ticket 1/2 ticket filed\n[progress] helpdesk__open_ticket 1/2 helpdesk: assigned to tier 1\n[progress] helpdesk__open_ticket 2/2 confirmation sent');
    expect(output).to.contain('Ticket T-1 for acme: "Broken zipper", priority high, email updates on. Return it unused within 30 days for a refund in 5 business days.');
  });

  it('mcp-server-stdio: a @Toolset served over stdio, mounted again by McpToolset in an Agent', async () => {
    const output = await runExample('mcp-server-stdio');
    expect(output).to.contain('Tools over stdio: remote__weather__current');
    expect(output).to.contain('[tool] remote__weather__current({"city":"Tokyo","unit":null}) -> {"city":"Tokyo","temperature":25,"unit":"c","sky":"sunny"}');
    expect(output).to.contain('In Tokyo right now: 25°C and sunny.');
  });

  it('mcp-conformance-server: serves the tools the conformance scenarios call (the full run is scripts/ci/mcp-server-conformance.sh)', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../examples/mcp-conformance-server.js', import.meta.url)), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const url = line.replace('MCP conformance server: ', '');
      const client = new Client({ name: 'example-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).to.include.members(['test_simple_text', 'test_tool_with_progress', 'test_sampling', 'json_schema_2020_12_tool', 'test_reconnection']);
      expect(tools.every((tool) => typeof tool.description === 'string')).to.equal(true);
      expect(tools.find((tool) => tool.name === 'json_schema_2020_12_tool')!.inputSchema).to.have.nested.property('$defs.address');
      expect(await client.callTool({ name: 'test_simple_text' })).to.deep.equal({ content: [{ type: 'text', text: 'This is a simple text response for testing.' }] });
      await client.close();
    } finally {
      child.kill();
    }
  });
});
