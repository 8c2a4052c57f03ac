import { expect } from 'chai';
import {
  FunctionTool,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  ToolResult,
  type ToolCall,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, sleep, user } from '../support/helpers.js';

const weatherSchema = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
};

describe('tool loop', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('builds user → assistant(tool_calls) → tool → assistant and hands invokers the whole call and the context unchanged', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('get_weather', { city: 'Tokyo' }, { id: 'call_tokyo' })), reply.text('It is sunny in Tokyo.')],
    });
    const context = { userId: 'u1', nested: { flag: true } };
    const seen: { toolCall: ToolCall; context: unknown }[] = [];
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'gpt-4.1-nano',
      messages: [user('Weather in Tokyo?')],
      toolInvokers: {
        get_weather: async (call, ctx) => {
          seen.push({ toolCall: call, context: ctx });
          return `Sunny in ${JSON.parse(call.function.arguments).city}`;
        },
      },
      params: { tools: [weatherSchema] },
      context,
    });

    expect(seen).to.have.length(1);
    expect(seen[0]!.context).to.equal(context);
    expect(seen[0]!.toolCall).to.deep.include({ id: 'call_tokyo', type: 'function' });
    expect(seen[0]!.toolCall.function).to.deep.equal({ name: 'get_weather', arguments: '{"city":"Tokyo"}' });
    expect(result.toInputList()).to.deep.equal([
      { role: 'user', content: 'Weather in Tokyo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_tokyo', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_tokyo', content: 'Sunny in Tokyo' },
      { role: 'assistant', content: 'It is sunny in Tokyo.' },
    ]);
    expect(result.finalContent).to.equal('It is sunny in Tokyo.');
    // The second request carries the whole history, tools included.
    expect(server.requests).to.have.length(2);
    expect(server.requests[1]!.body.messages).to.deep.equal(result.toInputList().slice(0, 3));
    expect(server.requests[1]!.body.tools).to.deep.equal([weatherSchema]);
    await server.close();
  });

  it('puts instructions first as the system message', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('ok')] });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('hi')], instructions: (ctx: { tone: string }) => `Be ${ctx.tone}.`, context: { tone: 'brief' } });
    expect(server.requests[0]!.body.messages).to.deep.equal([{ role: 'system', content: 'Be brief.' }, user('hi')]);
    expect(result.messages[0]).to.deep.equal({ role: 'system', content: 'Be brief.' });
    await server.close();
  });

  it('reports usage per iteration and in total, asking for it by default', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('get_weather', { city: 'Oslo' }), {
          usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 4 } },
        }),
        reply.text('Cold.', { usage: { prompt_tokens: 20, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 8 } } }),
      ],
    });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('Oslo?')],
      tools: [new FunctionTool({ name: 'get_weather', execute: () => 'cold' })],
    });
    expect(server.requests[0]!.body.stream_options).to.deep.equal({ include_usage: true });
    expect(result.usages.map((u) => u.total_tokens)).to.deep.equal([15, 22]);
    expect(result.totalUsage).to.deep.equal({
      prompt_tokens: 30,
      completion_tokens: 7,
      total_tokens: 37,
      prompt_tokens_details: { cached_tokens: 12 },
    });
    await server.close();
  });

  it('sends no stream_options when the params set them to undefined', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('ok')] });
    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('hi')],
      params: { stream_options: undefined, temperature: 0.2 },
    });
    expect(server.requests[0]!.body).to.not.have.property('stream_options');
    expect(server.requests[0]!.body.temperature).to.equal(0.2);
    expect(result.usages).to.deep.equal([]);
    expect(result.totalUsage).to.deep.equal({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    await server.close();
  });

  it('runs the calls of one message concurrently and appends results in the model order', async () => {
    const delays: Record<string, number> = { a: 120, b: 10, c: 60 };
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(['a', 'b', 'c'].map((k) => toolCall('work', { k }, { id: `call_${k}` }))), reply.text('done')],
    });
    let running = 0;
    let maxRunning = 0;
    const finished: string[] = [];
    const work = new FunctionTool({
      name: 'work',
      execute: async ({ k }: { k: string }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(delays[k]!);
        running--;
        finished.push(k);
        return `result ${k}`;
      },
    });
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('go')], tools: [work] });
    expect(maxRunning).to.equal(3);
    expect(finished).to.deep.equal(['b', 'c', 'a']);
    const toolMessages = result.messages.filter((m) => m.role === 'tool');
    expect(toolMessages).to.deep.equal([
      { role: 'tool', tool_call_id: 'call_a', content: 'result a' },
      { role: 'tool', tool_call_id: 'call_b', content: 'result b' },
      { role: 'tool', tool_call_id: 'call_c', content: 'result c' },
    ]);
    await server.close();
  });

  for (const [parallelToolCalls, expected] of [
    [false, 1],
    [2, 2],
  ] as const) {
    it(`bounds concurrency with parallelToolCalls: ${parallelToolCalls}`, async () => {
      server = await ScriptedChatServer.start({
        script: [reply.toolCalls([1, 2, 3, 4].map((n) => toolCall('work', { n }))), reply.text('done')],
      });
      let running = 0;
      let maxRunning = 0;
      const order: number[] = [];
      const work = new FunctionTool({
        name: 'work',
        execute: async ({ n }: { n: number }) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          order.push(n);
          await sleep(15);
          running--;
          return String(n);
        },
      });
      const result = await streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('go')],
        tools: [work],
        parallelToolCalls,
      });
      expect(maxRunning).to.equal(expected);
      expect(order).to.deep.equal([1, 2, 3, 4]);
      expect(result.messages.filter((m) => m.role === 'tool').map((m) => m.content)).to.deep.equal(['1', '2', '3', '4']);
      await server.close();
    });
  }

  it('emits lifecycle events in order, tool events between the iterations', async () => {
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls([toolCall('t', { i: 1 }), toolCall('t', { i: 2 })]), reply.text('fine')],
    });
    const t = new FunctionTool({ name: 't', execute: ({ i }: { i: number }) => `r${i}` });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [t] }));
    const lifecycle = events.filter((e) => e.type !== 'stream.event').map((e) => e.type);
    expect(lifecycle).to.deep.equal([
      'iteration.started',
      'iteration.completed',
      'run.checkpoint',
      'tool_call.started',
      'tool_call.started',
      'tool_call.completed',
      'tool_call.completed',
      'run.checkpoint',
      'iteration.started',
      'iteration.completed',
      'run.checkpoint',
      'run.completed',
    ]);
    const streamTypes = new Set(events.flatMap((e) => (e.type === 'stream.event' ? [e.event.type] : [])));
    expect([...streamTypes]).to.include.members(['chunk', 'tool_calls.function.arguments.delta', 'tool_calls.function.arguments.done', 'content.delta', 'content.done']);
    const completed = events.filter((e) => e.type === 'tool_call.completed');
    expect(completed.map((e) => (e as any).result.content).sort()).to.deep.equal(['r1', 'r2']);
    const started = events[0] as any;
    expect(started.messages).to.deep.equal([user('x')]);
    await server.close();
  });

  it('passes ToolResult metadata to events and lets toolCallOutputCallback replace what the model sees', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('lookup', { q: 'x' })), reply.text('ok')] });
    const lookup = new FunctionTool({ name: 'lookup', execute: () => new ToolResult('A'.repeat(50), { rows: 3 }) });
    const outputs: string[] = [];
    const events = await collect(
      streamUntilUserInputEvents({
        client: server.client(),
        model: 'm',
        messages: [user('q')],
        tools: [lookup],
        toolCallOutputCallback: (call, result, info) => {
          outputs.push(`${call.function.name}:${info.iteration}:${result.metadata['rows']}`);
          return new ToolResult(result.content.slice(0, 10) + '…', result.metadata);
        },
      }),
    );
    expect(outputs).to.deep.equal(['lookup:0:3']);
    const completed = events.find((e) => e.type === 'tool_call.completed') as any;
    expect(completed.result.metadata).to.deep.equal({ rows: 3 });
    expect(server.requests[1]!.body.messages[2].content).to.equal('AAAAAAAAAA…');
    await server.close();
  });

  it('works with a non-streaming request to the scripted server too (same reply script)', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('f', { a: 1 }), { content: 'calling' })] });
    const completion = await server.client().chat.completions.create({ model: 'm', messages: [user('hi')] });
    expect(completion.choices[0]!.message.content).to.equal('calling');
    expect(completion.choices[0]!.message.tool_calls![0]).to.deep.include({ type: 'function' });
    expect(completion.choices[0]!.finish_reason).to.equal('tool_calls');
    expect(completion.usage!.total_tokens).to.be.greaterThan(0);
    await server.close();
  });
});
