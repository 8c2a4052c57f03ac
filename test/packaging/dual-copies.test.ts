import { expect } from 'chai';
import { IsInt, IsString, Length, Min } from 'class-validator';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import * as esm from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import type { Agent } from 'chat-cmpl-stream-handler';
import { requireCommonJs } from '../support/package-copies.js';
import { collect, rejectionOf, user } from '../support/helpers.js';

// One process, both builds: what the ESM copy records, the CommonJS copy reads, and the other way round.
const cjs: typeof esm = await requireCommonJs('core');
const cjsNest: typeof import('chat-cmpl-stream-handler/nest') = await requireCommonJs('nest');

class LookUpOrder {
  @esm.Describe('The order id, e.g. ord_1') @IsString() @Length(3, 20) orderId!: string;
  @IsInt() @Min(1) quantity!: number;
}

/** A toolset decorated through one copy's decorators. */
function ordersToolset(copy: typeof esm) {
  @copy.Toolset({ prefix: 'orders', tags: ['support'] })
  class OrdersTools {
    readonly calls: LookUpOrder[] = [];

    @copy.Tool({ description: 'Look up an order' })
    async lookUp(args: LookUpOrder): Promise<esm.ToolResult> {
      this.calls.push(args);
      return new copy.ToolResult(`order ${args.orderId}: shipped`, { rows: 1 });
    }
  }
  return OrdersTools;
}

describe('packaging: the CommonJS and the ESM build in one process', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('loads two distinct copies', () => {
    expect(cjs.Agent).to.be.a('function');
    expect(cjs.Agent).to.not.equal(esm.Agent);
  });

  for (const [decorated, reader] of [
    ['CommonJS', 'ESM'],
    ['ESM', 'CommonJS'],
  ] as const) {
    it(`a @Toolset decorated through the ${decorated} build runs in the ${reader} build's loop, with validated DTO arguments`, async () => {
      const decorators = decorated === 'CommonJS' ? cjs : esm;
      const engine = reader === 'CommonJS' ? cjs : esm;
      const Orders = ordersToolset(decorators);
      const toolset = new Orders();
      expect(engine.toolsFromToolset(toolset).map((tool) => tool.schema.function.name)).to.deep.equal(['orders__look_up']);

      server = await ScriptedChatServer.start({
        script: [
          reply.toolCalls(toolCall('orders__look_up', { orderId: 'o', quantity: 0 }, { id: 'call_1' })),
          reply.toolCalls(toolCall('orders__look_up', { orderId: 'ord_1', quantity: 2 }, { id: 'call_2' })),
          reply.text('Shipped.'),
        ],
      });
      const events = await collect(
        engine.streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('Where is ord_1?')], tools: [toolset] }),
      );

      const failed = events.find((event): event is esm.ToolCallFailedEvent => event.type === 'tool_call.failed')!;
      expect(failed.error).to.be.instanceOf(esm.ToolArgumentsError).and.instanceOf(cjs.ToolArgumentsError);
      expect(toolset.calls).to.have.length(1);
      expect(toolset.calls[0]).to.be.instanceOf(LookUpOrder);
      const completed = events.find((event): event is esm.ToolCallCompletedEvent => event.type === 'tool_call.completed')!;
      expect(completed.result.metadata).to.deep.equal({ rows: 1 });
      expect(completed.result).to.be.instanceOf(esm.ToolResult).and.instanceOf(cjs.ToolResult);
      const tools: { function: { name: string; parameters: unknown } }[] = server.requests[0]!.body.tools;
      expect(tools[0]!.function.parameters).to.deep.equal(engine.schemaFromClass(LookUpOrder));
      expect(JSON.stringify(tools[0]!.function.parameters)).to.contain('The order id, e.g. ord_1');
    });
  }

  it('hook decorators of one build are dispatched by the other', async () => {
    class Printer {
      readonly deltas: string[] = [];
      readonly completed: number[] = [];
      @cjs.OnContentDelta() onDelta(event: { delta: string }): void {
        this.deltas.push(event.delta);
      }
      @esm.OnRunCompleted() onDone(): void {
        this.completed.push(1);
      }
    }
    for (const engine of [esm, cjs]) {
      server = await ScriptedChatServer.start({ script: [reply.text('Hello there', { chunkSize: 4 })] });
      const printer = new Printer();
      await engine.streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')], streamHandler: printer });
      expect(printer.deltas.join('')).to.equal('Hello there');
      expect(printer.completed).to.deep.equal([1]);
      await server.close();
    }
  });

  it("a tool source keyed by one build's TOOL_SOURCE is read by the other", async () => {
    expect(cjs.TOOL_SOURCE).to.equal(esm.TOOL_SOURCE);
    const echo = new cjs.FunctionTool({ name: 'echo', execute: (args: { text?: string }) => args.text ?? '' });
    const source = { [cjs.TOOL_SOURCE]: () => [echo] };
    expect(esm.isToolSource(source)).to.equal(true);
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('echo', { text: 'hi' })), reply.text('done')] });
    const result = await esm.streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('echo hi')], tools: [source] });
    expect(result.finalContent).to.equal('done');
    expect(server.requests[1]!.body.messages.at(-1)).to.include({ role: 'tool', content: 'hi' });
  });

  it("a run that fails in the CommonJS build rejects with errors the ESM build's classes recognise, messages kept", async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('echo', { text: 'a' }))] });
    const echo = new esm.FunctionTool({ name: 'echo', execute: () => 'a' });
    const error = await rejectionOf(
      cjs.streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('loop')], tools: [echo], maxIterations: 1 }),
    );
    expect(error).to.be.instanceOf(esm.MaxIterationsReached).and.instanceOf(esm.RunError).and.instanceOf(esm.ChatCmplError);
    expect(error.name).to.equal('MaxIterationsReached');
    expect(error.messages.map((message: { role: string }) => message.role)).to.deep.equal(['user', 'assistant', 'tool']);
  });

  it("the CommonJS build's ChatToolsModule discovers a toolset decorated through the ESM build", async () => {
    const Orders = ordersToolset(esm);
    Injectable()(Orders);
    @Module({ providers: [Orders] })
    class OrdersModule {}

    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('orders__look_up', { orderId: 'ord_7', quantity: 1 })), reply.text('Shipped.')],
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        cjsNest.ChatToolsModule.forRoot({ client: server.client(), model: 'm' }),
        cjsNest.ChatToolsModule.forFeature([{ name: 'support', tags: ['support'] }]),
        OrdersModule,
      ],
    })
      .setLogger({ log() {}, error() {}, warn() {}, debug() {}, verbose() {} })
      .compile();
    await moduleRef.init();
    try {
      const agent = moduleRef.get<Agent>(cjsNest.getAgentToken('support'));
      const result = await agent.run('Where is ord_7?');
      expect(result.finalContent).to.equal('Shipped.');
      expect(moduleRef.get(Orders).calls.map((call) => call.orderId)).to.deep.equal(['ord_7']);
    } finally {
      await moduleRef.close();
    }
  });
});
