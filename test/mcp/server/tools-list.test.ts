import { expect } from 'chai';
import { IsString } from 'class-validator';
import { JSON_SCHEMA_2020_12, Tool, ToolConfigurationError, Toolset } from 'chat-cmpl-stream-handler';
import { createMcpServer, McpConfigurationError } from 'chat-cmpl-stream-handler/mcp';
import { connectInMemory } from '../fixtures/in-memory.js';
import { BillingTools, ShopTools } from './fixtures/toolsets.js';

async function listed() {
  const client = await connectInMemory(createMcpServer({ name: 'shop', version: '1.2.3', toolsets: [new ShopTools(), new BillingTools()] }));
  const { tools } = await client.listTools();
  await client.close();
  return tools;
}

describe('mcp server: tools/list from @Toolset classes', () => {
  it('lists every @Tool method, prefixed as for the model, with its description', async () => {
    const tools = await listed();
    expect(tools.map((tool) => tool.name)).to.deep.equal([
      'ship_order', 'forecast', 'broken_forecast', 'now', 'lookup', 'explode', 'chart', 'crunch', 'wait', 'slow', 'suggest', 'confirm', 'reconnect', 'whoami', 'billing__balance',
    ]);
    expect(tools.find((tool) => tool.name === 'ship_order')!.description).to.equal('Ship an order to an address');
  });

  it('publishes the DTO as JSON Schema 2020-12: $schema set, optional properties optional, nested DTOs under $defs by class name', async () => {
    const ship = (await listed()).find((tool) => tool.name === 'ship_order')!;
    expect(ship.inputSchema).to.deep.equal({
      $schema: JSON_SCHEMA_2020_12,
      type: 'object',
      properties: {
        orderId: { type: 'string', description: 'Order id, e.g. A-1001' },
        speed: { type: 'string', enum: ['standard', 'express'] },
        address: { $ref: '#/$defs/Address' },
      },
      required: ['orderId', 'address'],
      additionalProperties: false,
      $defs: {
        Address: {
          type: 'object',
          properties: { street: { type: 'string', description: 'Street and number' }, country: { type: 'string', minLength: 2, maxLength: 2 } },
          required: ['street', 'country'],
          additionalProperties: false,
        },
      },
    });
  });

  it('gives a tool without arguments an empty closed object schema', async () => {
    const now = (await listed()).find((tool) => tool.name === 'now')!;
    expect(now.inputSchema).to.deep.equal({ $schema: JSON_SCHEMA_2020_12, type: 'object', properties: {}, additionalProperties: false });
  });

  it('publishes outputSchema from @Tool({ output }) and annotations (with their title as the tool title) from @Tool({ annotations })', async () => {
    const tools = await listed();
    const forecast = tools.find((tool) => tool.name === 'forecast')!;
    expect(forecast.outputSchema).to.deep.equal({
      $schema: JSON_SCHEMA_2020_12,
      type: 'object',
      properties: { city: { type: 'string' }, celsius: { type: 'integer', minimum: -80, maximum: 60 }, note: { type: 'string' } },
      required: ['city', 'celsius'],
      additionalProperties: false,
    });
    expect(forecast.annotations).to.deep.equal({ readOnlyHint: true, openWorldHint: true });
    const ship = tools.find((tool) => tool.name === 'ship_order')!;
    expect(ship.title).to.equal('Ship order');
    expect(ship.annotations).to.deep.equal({ title: 'Ship order', destructiveHint: false, idempotentHint: true });
    expect(ship).not.to.have.property('outputSchema');
    expect(tools.find((tool) => tool.name === 'now')).not.to.have.property('annotations');
  });

  it('declares the tools and logging capabilities', async () => {
    const client = await connectInMemory(createMcpServer({ name: 'shop', version: '1.2.3', toolsets: [new BillingTools()], instructions: 'Ask about balances.' }));
    expect(client.getServerCapabilities()).to.include.keys('tools', 'logging');
    expect(client.getServerVersion()).to.deep.include({ name: 'shop', version: '1.2.3' });
    expect(client.getInstructions()).to.equal('Ask about balances.');
    await client.close();
  });
});

describe('mcp server: configuration mistakes are reported before anything is served', () => {
  it('names a class passed instead of an instance', () => {
    expect(() => createMcpServer({ name: 's', version: '1', toolsets: [BillingTools] })).to.throw(
      McpConfigurationError,
      'createMcpServer(): toolsets[0] is the class BillingTools: pass an instance (new BillingTools(...))',
    );
  });

  it('names an object that is not a toolset, and a toolsets value that is not an array', () => {
    expect(() => createMcpServer({ name: 's', version: '1', toolsets: [new BillingTools(), new Date()] })).to.throw(McpConfigurationError, 'toolsets[1] is an object (Date), not an instance of a @Toolset class');
    expect(() => createMcpServer({ name: 's', version: '1', toolsets: new BillingTools() as never })).to.throw(McpConfigurationError, '`toolsets` must be an array of @Toolset instances, got an object (BillingTools)');
  });

  it('names both methods of a duplicate tool name', () => {
    @Toolset({ prefix: 'billing' })
    class OtherBilling {
      @Tool({ input: null })
      async balance() {
        return '0';
      }
    }
    expect(() => createMcpServer({ name: 's', version: '1', toolsets: [new BillingTools(), new OtherBilling()] })).to.throw(
      McpConfigurationError,
      'BillingTools.balance and OtherBilling.balance are both tool "billing__balance"',
    );
  });

  it('names every malformed option', () => {
    expect(() => createMcpServer({ name: '', version: 1 as never, toolsets: [], tools: [] } as never)).to.throw(
      McpConfigurationError,
      'createMcpServer(): unknown option "tools" (known: name, version, toolsets, instructions, context, onError); `name` must be a non-empty string, got ""; `version` must be a non-empty string, got 1.',
    );
  });

  it('reports bad @Tool annotations when the toolset is read', () => {
    class Args {
      @IsString() q!: string;
    }
    @Toolset()
    class Bad {
      @Tool({ input: Args, annotations: { readOnly: true } as never })
      async search() {
        return '';
      }
    }
    expect(() => createMcpServer({ name: 's', version: '1', toolsets: [new Bad()] })).to.throw(
      ToolConfigurationError,
      'Bad.search: @Tool annotations has an unknown key "readOnly": use title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint.',
    );
  });
});
