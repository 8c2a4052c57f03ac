import { expect } from 'chai';
import { Agent, type LifecycleEvent } from 'chat-cmpl-stream-handler';
import { mcpHttpHandler, McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, sleep } from '../../support/helpers.js';
import { serveHandler } from './fixtures/http.js';
import { ShopTools } from './fixtures/toolsets.js';

interface Caller {
  userId: string;
}

describe('mcp server round trip: a toolset served by mcpHttpHandler, mounted again by McpToolset in an Agent loop', () => {
  let chat: ScriptedChatServer;
  let shop: ShopTools;
  let served: Awaited<ReturnType<typeof serveHandler>>;
  let toolset: McpToolset<Caller>;
  let agent: Agent<Caller>;

  beforeEach(async () => {
    chat = await ScriptedChatServer.start();
    shop = new ShopTools();
    // This server trusts its client (our own agent) to say who the user is: _meta.context.
    const handler = mcpHttpHandler<Caller>({ name: 'shop', version: '1.0.0', toolsets: [shop], context: (request) => request._meta?.['context'] as Caller });
    served = await serveHandler(handler);
    toolset = await McpToolset.connect<Caller>({ url: served.url, label: 'shop' });
    agent = new Agent<Caller>({ client: chat.client(), model: 'test-model', toolsets: [toolset] });
  });
  afterEach(async () => {
    await toolset.close();
    await served.close();
    await chat.close();
  });

  it('offers the served tools to the model, runs them with the run context, and feeds their results back', async () => {
    chat.enqueue(
      reply.toolCalls([
        toolCall('shop__ship_order', { orderId: 'A-7', speed: null, address: { street: '5 Rue Neuve', country: 'FR' } }),
        toolCall('shop__forecast', { city: 'Lyon' }),
      ]),
      reply.text('Shipped, and it will be 21 degrees.'),
    );
    const result = await agent.run('Ship A-7 and tell me the weather', { context: { userId: 'ada' } });
    expect(result.finalContent).to.equal('Shipped, and it will be 21 degrees.');

    const offered = chat.bodies[0].tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(offered).to.include.members(['shop__ship_order', 'shop__forecast', 'shop__crunch']);
    const toolMessages = chat.bodies[1].messages.filter((message: { role: string }) => message.role === 'tool').map((message: { content: string }) => message.content);
    expect(toolMessages).to.deep.equal(['shipping A-7 standard to 5 Rue Neuve, FR', '{"city":"Lyon","celsius":21}']);
    expect(shop.contexts).to.deep.equal([{ userId: 'ada' }]);
  });

  it("tells the model which fields of its call were invalid, so it can correct itself", async () => {
    chat.enqueue(reply.toolCalls(toolCall('shop__ship_order', { orderId: 'A-8', speed: 'teleport', address: { street: 'x', country: 'France' } })), reply.text('Let me fix that.'));
    const events = await collect(agent.stream('Ship A-8', { context: { userId: 'ada' } }));
    const failed = events.find((event): event is Extract<LifecycleEvent, { type: 'tool_call.failed' }> => event.type === 'tool_call.failed');
    expect(failed, 'tool_call.failed').not.to.equal(undefined);
    const toolMessage = chat.bodies[1].messages.find((message: { role: string }) => message.role === 'tool').content as string;
    expect(toolMessage).to.contain('Invalid arguments for tool "ship_order"');
    expect(toolMessage).to.contain('- speed: must be one of');
    expect(toolMessage).to.contain('- address.country:');
    expect(shop.received).to.have.length(0);
  });

  it('turns the served tool progress into tool_call.progress events of the run', async () => {
    chat.enqueue(reply.toolCalls(toolCall('shop__crunch', { steps: 2 })), reply.text('done'));
    const events = await collect(agent.stream('crunch it', { context: { userId: 'ada' } }));
    const progress = events.flatMap((event) => (event.type === 'tool_call.progress' ? [{ progress: event.progress, total: event.total, message: event.message }] : []));
    expect(progress).to.deep.include.members([
      { progress: 1, total: 2, message: 'step 1' },
      { progress: 2, total: 2, message: 'step 2' },
    ]);
  });

  it("aborting the run aborts the served tool's signal", async () => {
    chat.enqueue(reply.toolCalls(toolCall('shop__wait', {})));
    const controller = new AbortController();
    const run = agent.run('wait', { context: { userId: 'ada' }, signal: controller.signal }).catch((error: unknown) => error);
    for (let i = 0; i < 100 && chat.requests.length === 0; i++) await sleep(5);
    await sleep(50);
    controller.abort(new Error('stop'));
    await run;
    for (let i = 0; i < 100 && shop.aborted === undefined; i++) await sleep(5);
    expect(shop.aborted, 'the server-side tool saw the cancellation').not.to.equal(undefined);
  });
});
