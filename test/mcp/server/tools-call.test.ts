import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'chai';
import { OutputValidationError, ToolTimeoutError } from 'chat-cmpl-stream-handler';
import { createMcpServer } from 'chat-cmpl-stream-handler/mcp';
import { connectInMemory } from '../fixtures/in-memory.js';
import { PIXEL_PNG, ShopTools } from './fixtures/toolsets.js';

describe('mcp server: tools/call through the validated invoker', () => {
  let shop: ShopTools;
  let client: Client;

  beforeEach(async () => {
    shop = new ShopTools();
    client = await connectInMemory(createMcpServer({ name: 'shop', version: '1.0.0', toolsets: [shop] }));
  });
  afterEach(async () => {
    await client.close();
  });

  it('hands the method a validated DTO instance (nested instances too) and answers its string as text', async () => {
    const result = await client.callTool({ name: 'ship_order', arguments: { orderId: 'A-1', address: { street: '1 Main St', country: 'FR' } } });
    expect(result).to.deep.equal({ content: [{ type: 'text', text: 'shipping A-1 standard to 1 Main St, FR' }] });
    const args = shop.received[0] as { address: object };
    expect(args.constructor.name).to.equal('ShipOrder');
    expect(args.address.constructor.name).to.equal('Address');
  });

  it('answers invalid arguments with isError naming each field and constraint; the method never runs', async () => {
    const result = await client.callTool({ name: 'ship_order', arguments: { orderId: 7, speed: 'overnight', address: { street: 'x', country: 'FRA', floor: 2 } } });
    expect(result.isError).to.equal(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).to.match(/^Invalid arguments for tool "ship_order":/);
    expect(text).to.contain('- orderId: must be a string');
    expect(text).to.contain('- speed: must be one of');
    expect(text).to.contain('- address.country:');
    expect(text).to.contain('- address.floor: unknown property');
    expect(shop.received).to.have.length(0);
  });

  it('calls a tool without arguments whether the client sends {} or no arguments at all, and refuses unknown ones', async () => {
    expect(await client.callTool({ name: 'now' })).to.deep.equal({ content: [{ type: 'text', text: '2025-01-01T00:00:00Z' }] });
    expect(await client.callTool({ name: 'now', arguments: {} })).to.deep.equal({ content: [{ type: 'text', text: '2025-01-01T00:00:00Z' }] });
    const extra = await client.callTool({ name: 'now', arguments: { tz: 'UTC' } });
    expect(extra).to.deep.include({ isError: true });
    expect((extra.content as { text: string }[])[0]!.text).to.contain('- tz: unknown property: this tool takes no arguments');
  });

  it('answers ToolResult.error with isError and its text', async () => {
    expect(await client.callTool({ name: 'lookup', arguments: { city: 'Atlantis' } })).to.deep.equal({ content: [{ type: 'text', text: 'No city named Atlantis.' }], isError: true });
  });

  it('answers a thrown error with isError and its message, never the stack; onError gets the error itself', async () => {
    const reported: { error: unknown; toolName: string; owner: string; requestId: unknown }[] = [];
    const reporting = await connectInMemory(
      createMcpServer({ name: 'shop', version: '1.0.0', toolsets: [shop], onError: (error, call) => void reported.push({ error, toolName: call.toolName, owner: call.owner, requestId: call.request.requestId }) }),
    );
    const result = await reporting.callTool({ name: 'explode', arguments: { city: 'Paris' } });
    expect(result).to.deep.equal({ content: [{ type: 'text', text: 'database unreachable while looking up Paris' }], isError: true });
    expect(reported).to.have.length(1);
    expect(reported[0]!.error).to.be.instanceOf(Error).with.property('stack').that.contains('ShopTools.explode');
    expect(reported[0]).to.deep.include({ toolName: 'explode', owner: 'ShopTools.explode' });
    await reporting.callTool({ name: 'broken_forecast', arguments: { city: 'Lyon' } });
    expect(reported[1]!.error, 'a result that breaks the output class is a server bug').to.be.instanceOf(OutputValidationError);
    reported.length = 1;
    await reporting.callTool({ name: 'explode', arguments: { city: 7 } });
    await reporting.callTool({ name: 'lookup', arguments: { city: 'Atlantis' } });
    expect(reported, 'invalid arguments and ToolResult.error are answers, not errors').to.have.length(1);
    await reporting.close();
  });

  it('answers a call that outlives the tool timeout with isError, and aborts the tool signal', async () => {
    const result = await client.callTool({ name: 'slow', arguments: {} });
    expect(result).to.deep.equal({ content: [{ type: 'text', text: 'Tool "slow" timed out after 50 ms.' }], isError: true });
    expect(shop.aborted).to.be.instanceOf(ToolTimeoutError);
  });

  it('sends an output DTO result as structuredContent (valid against outputSchema, as the SDK client checks) and as JSON text', async () => {
    await client.listTools(); // the SDK client validates structuredContent against the listed outputSchema
    const result = await client.callTool({ name: 'forecast', arguments: { city: 'Lyon' } });
    expect(result).to.deep.equal({ content: [{ type: 'text', text: '{"city":"Lyon","celsius":21}' }], structuredContent: { city: 'Lyon', celsius: 21 } });
  });

  it('refuses a result that does not match the output class, naming each field', async () => {
    const result = await client.callTool({ name: 'broken_forecast', arguments: { city: 'Lyon' } });
    expect(result.isError).to.equal(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).to.match(/^Tool "broken_forecast" returned a result that does not match its output class Forecast:\n/);
    expect(text).to.contain('- celsius: must be an integer');
    expect(text).to.contain('- wind: unknown property');
  });

  it('passes new ToolResult(text, { mcp }) through as it is: images and all', async () => {
    const result = await client.callTool({ name: 'chart', arguments: {} });
    expect(result).to.deep.equal({ content: [{ type: 'text', text: 'Sales chart:' }, { type: 'image', data: PIXEL_PNG, mimeType: 'image/png' }] });
  });

  it('answers an unknown tool with a JSON-RPC error listing the tools', async () => {
    const error = await client.request({ method: 'tools/call', params: { name: 'nope', arguments: {} } }, CallToolResultSchema).then(
      () => undefined,
      (e: unknown) => e as { code: number; message: string },
    );
    expect(error?.code).to.equal(-32602);
    expect(error?.message).to.contain('Unknown tool "nope". Available tools: ship_order, forecast,');
  });
});

describe('mcp server: the caller becomes the run context', () => {
  it('by default: { authInfo, meta, sessionId } of the request', async () => {
    const client = await connectInMemory(createMcpServer({ name: 'shop', version: '1.0.0', toolsets: [new ShopTools()] }));
    const result = await client.callTool({ name: 'whoami', arguments: {}, _meta: { context: { userId: 'u-1' } } });
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).to.deep.equal({ meta: { context: { userId: 'u-1' } } });
    await client.close();
  });

  it('through the context option, from the request (here its _meta); a context function that throws fails the call before the tool runs', async () => {
    const shop = new ShopTools();
    const client = await connectInMemory(
      createMcpServer<{ userId: string }>({
        name: 'shop',
        version: '1.0.0',
        toolsets: [shop],
        context: (request) => {
          const userId = (request._meta?.['context'] as { userId?: string } | undefined)?.userId;
          if (!userId) throw new Error('who are you?');
          return { userId };
        },
      }),
    );
    const result = await client.callTool({ name: 'ship_order', arguments: { orderId: 'A-2', address: { street: 's', country: 'DE' } }, _meta: { context: { userId: 'ada' } } });
    expect(result.isError).to.equal(undefined);
    expect(shop.contexts).to.deep.equal([{ userId: 'ada' }]);
    const refused = await client.callTool({ name: 'ship_order', arguments: { orderId: 'A-3', address: { street: 's', country: 'DE' } } }).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    expect(refused).to.contain('who are you?');
    expect(shop.received).to.have.length(1);
    await client.close();
  });
});
