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
});
