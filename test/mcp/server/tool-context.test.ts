import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  type LoggingMessageNotification,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'chai';
import { IsString } from 'class-validator';
import { streamUntilUserInputEvents, Tool, Toolset, toolsFromToolset, type ToolContext, type ToolProgressUpdate } from 'chat-cmpl-stream-handler';
import { createMcpServer, isMcpToolContext } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, sleep } from '../../support/helpers.js';
import { ShopTools } from './fixtures/toolsets.js';

/** An SDK client that answers sampling and elicitation, recording log notifications. */
async function connectClient(shop: ShopTools) {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await createMcpServer({ name: 'shop', version: '1.0.0', toolsets: [shop] }).connect(serverTransport);
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: { form: {} } } });
  const logs: LoggingMessageNotification['params'][] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void logs.push(notification.params));
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
    role: 'assistant',
    model: 'client-model',
    content: { type: 'text', text: `Porto (asked: ${(request.params.messages[0]!.content as { text: string }).text}, max ${request.params.maxTokens})` },
  }));
  client.setRequestHandler(ElicitRequestSchema, async (request) => ({ action: 'accept', content: { sure: request.params.message.includes('Lyon') } }));
  await client.connect(clientTransport);
  return { client, logs };
}

describe('mcp server: the MCP side of ToolContext', () => {
  it('reportProgress reaches a client that asked for progress, in order', async () => {
    const { client } = await connectClient(new ShopTools());
    const progress: Progress[] = [];
    const result = await client.callTool({ name: 'crunch', arguments: { steps: 3 } }, CallToolResultSchema, { onprogress: (update) => void progress.push(update) });
    expect(result.content).to.deep.equal([{ type: 'text', text: 'crunched in 3 steps' }]);
    expect(progress).to.deep.equal([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
    await client.close();
  });

  it('log sends notifications/message at or above the level the client set (every level before it sets one)', async () => {
    const { client, logs } = await connectClient(new ShopTools());
    await client.callTool({ name: 'crunch', arguments: { steps: 2 } });
    expect(logs).to.deep.equal([
      { level: 'debug', data: 'starting' },
      { level: 'info', data: { step: 1 } },
      { level: 'info', data: { step: 2 } },
    ]);
    logs.length = 0;
    await client.setLoggingLevel('info');
    await client.callTool({ name: 'crunch', arguments: { steps: 1 } });
    expect(logs).to.deep.equal([{ level: 'info', data: { step: 1 } }]);
    logs.length = 0;
    await client.setLoggingLevel('error');
    await client.callTool({ name: 'crunch', arguments: { steps: 1 } });
    expect(logs).to.deep.equal([]);
    await client.close();
  });

  it("createMessage asks the client's model, elicitInput asks the client's user", async () => {
    const { client } = await connectClient(new ShopTools());
    expect(await client.callTool({ name: 'suggest', arguments: { city: 'Lisbon' } })).to.deep.equal({
      content: [{ type: 'text', text: 'model says: Porto (asked: A city like Lisbon?, max 50)' }],
    });
    expect(await client.callTool({ name: 'confirm', arguments: { city: 'Lyon' } })).to.deep.equal({ content: [{ type: 'text', text: 'user: accept {"sure":true}' }] });
    await client.close();
  });

  it('createMessage fails the call with a clear isError when the client cannot sample', async () => {
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await createMcpServer({ name: 'shop', version: '1.0.0', toolsets: [new ShopTools()] }).connect(serverTransport);
    const client = new Client({ name: 'plain', version: '1.0.0' });
    await client.connect(clientTransport);
    const result = await client.callTool({ name: 'suggest', arguments: { city: 'Lisbon' } });
    expect(result.isError).to.equal(true);
    expect((result.content as { text: string }[])[0]!.text).to.match(/sampling/i);
    await client.close();
  });

  it("a client's cancellation aborts the tool's signal", async () => {
    const shop = new ShopTools();
    const { client } = await connectClient(shop);
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, CallToolResultSchema, { signal: controller.signal });
    await sleep(20);
    controller.abort(new Error('user pressed stop'));
    await call.catch(() => undefined);
    for (let i = 0; i < 50 && shop.aborted === undefined; i++) await sleep(5);
    expect(shop.aborted, 'the tool saw the cancellation').not.to.equal(undefined);
    await client.close();
  });
});

describe('ToolContext in a run: reportProgress and the MCP test', () => {
  class City {
    @IsString() city!: string;
  }
  @Toolset()
  class Trips {
    mcp: boolean | undefined;
    @Tool({ input: City })
    async plan(args: City, ctx: ToolContext) {
      this.mcp = isMcpToolContext(ctx);
      ctx.reportProgress?.(1, 2, 'trains');
      ctx.reportProgress?.(2, 2, 'hotels');
      return `planned ${args.city}`;
    }
  }

  it('reportProgress of a @Tool method becomes tool_call.progress; isMcpToolContext is false outside MCP', async () => {
    const server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('plan', { city: 'Oslo' })), reply.text('done')] });
    const trips = new Trips();
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [{ role: 'user', content: 'go' }], tools: [trips] }));
    await server.close();
    const progress = events.flatMap((event) => (event.type === 'tool_call.progress' ? [{ progress: event.progress, total: event.total, message: event.message }] : []));
    expect(progress).to.deep.equal([
      { progress: 1, total: 2, message: 'trains' },
      { progress: 2, total: 2, message: 'hotels' },
    ]);
    expect(trips.mcp).to.equal(false);
  });

  it('reportProgress is absent when the invoker is called the seed way, with two arguments', async () => {
    let seen: ToolProgressUpdate[] | 'absent' = [];
    @Toolset()
    class Probe {
      @Tool({ input: City })
      async probe(_args: City, ctx: ToolContext) {
        seen = ctx.reportProgress === undefined ? 'absent' : [];
        return 'ok';
      }
    }
    const [tool] = toolsFromToolset(new Probe());
    await tool!.invoke({ id: 'c1', type: 'function', function: { name: 'probe', arguments: '{"city":"x"}' } }, undefined);
    expect(seen).to.equal('absent');
  });
});
