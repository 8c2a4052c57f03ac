import { expect } from 'chai';
import {
  FunctionTool,
  RepeatedToolCallError,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  type ToolCallFailedEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, user } from '../support/helpers.js';

function counter() {
  const calls: string[] = [];
  const tool = new FunctionTool({ name: 'search', execute: (args: { q: string }) => (calls.push(args.q), `results for ${args.q}`) });
  return { calls, tool };
}

describe('loop control: repeated-call limit', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('refuses the third identical call in a row by default, comparing arguments as JSON, and tells the model why', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('search', { q: 'tides', page: 1 })),
        reply.toolCalls(toolCall('search', '{ "page": 1,  "q": "tides" }')),
        reply.toolCalls(toolCall('search', '{"q":"tides","page":1}')),
        reply.text('I will answer with what I have.'),
      ],
    });
    const { calls, tool } = counter();
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [tool] }));
    expect(calls).to.deep.equal(['tides', 'tides']);
    const failed = events.filter((event): event is ToolCallFailedEvent => event.type === 'tool_call.failed');
    expect(failed).to.have.length(1);
    expect(failed[0]!.iteration).to.equal(2);
    expect(failed[0]!.error).to.be.instanceOf(RepeatedToolCallError);
    expect(failed[0]!.error).to.include({ toolName: 'search', count: 3, limit: 3 });
    const told = server.bodies[3].messages.at(-1);
    expect(told.role).to.equal('tool');
    expect(told.content).to.equal((failed[0]!.error as Error).message);
    expect(told.content).to.contain('Tool "search" was not called').and.contain('2 times in a row').and.contain('repeatedCallLimit: 3');
    expect(events.at(-1)!.type).to.equal('run.completed');
  });

  it('counts calls of one message too, and a different call in between starts a new row', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls([toolCall('search', { q: 'a' }), toolCall('search', { q: 'a' }), toolCall('search', { q: 'b' }), toolCall('search', { q: 'a' })]),
        reply.toolCalls([toolCall('search', { q: 'a' }), toolCall('search', { q: 'a' })]),
        reply.text('done'),
      ],
    });
    const { calls, tool } = counter();
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [tool] });
    // a a b a | a a: the row after b reaches three only at the last call, which alone is refused.
    expect(calls).to.deep.equal(['a', 'a', 'b', 'a', 'a']);
    const tools = server.bodies[2].messages.filter((message: any) => message.role === 'tool').map((message: any) => message.content);
    expect(tools.map((content: string) => content.includes('was not called'))).to.deep.equal([false, false, false, false, false, true]);
  });

  it('takes its limit from repeatedCallLimit, and Infinity turns the check off', async () => {
    const script = () => [reply.toolCalls(toolCall('search', { q: 'x' })), reply.toolCalls(toolCall('search', { q: 'x' })), reply.toolCalls(toolCall('search', { q: 'x' })), reply.text('ok')];
    server = await ScriptedChatServer.start({ script: script() });
    let run = counter();
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [run.tool], repeatedCallLimit: 2 });
    expect(run.calls).to.deep.equal(['x']);
    await server.close();

    server = await ScriptedChatServer.start({ script: script() });
    run = counter();
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [run.tool], repeatedCallLimit: Infinity });
    expect(run.calls).to.deep.equal(['x', 'x', 'x']);
  });

  it('starts a new row after a user message, so a new round may repeat the last call', async () => {
    const previousRound = [
      user('status?'),
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 'c1', type: 'function' as const, function: { name: 'search', arguments: '{"q":"status"}' } }] },
      { role: 'tool' as const, tool_call_id: 'c1', content: 'busy' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 'c2', type: 'function' as const, function: { name: 'search', arguments: '{"q":"status"}' } }] },
      { role: 'tool' as const, tool_call_id: 'c2', content: 'busy' },
      { role: 'assistant' as const, content: 'Still busy.' },
    ];
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('search', { q: 'status' })), reply.text('Free now.')] });
    const { calls, tool } = counter();
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [...previousRound, user('and now?')], tools: [tool] });
    expect(calls).to.deep.equal(['status']);
    await server.close();

    // Without the new user message the same history continues the row (e.g. a resumed run).
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('search', { q: 'status' })), reply.text('ok')] });
    const again = counter();
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: previousRound.slice(0, 5), tools: [again.tool] });
    expect(again.calls).to.deep.equal([]);
  });

  it("follows onToolError like any failed call: under 'raise' the refusal fails the run", async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('search', { q: 'a' }), toolCall('search', { q: 'a' })])] });
    const { tool } = counter();
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [tool], repeatedCallLimit: 2, onToolError: 'raise' }),
    );
    expect(error).to.be.instanceOf(RepeatedToolCallError);
  });
});
