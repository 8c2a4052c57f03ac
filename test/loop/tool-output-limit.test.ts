import { expect } from 'chai';
import { FunctionTool, streamUntilUserInputEvents, ToolResult, type ToolCallCompletedEvent } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, user } from '../support/helpers.js';

describe('loop control: maxToolOutputChars', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('keeps the first maxToolOutputChars characters of a long output and says how much was cut; short outputs and metadata stay', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('dump', {}), toolCall('short', {})]), reply.text('ok')] });
    const dump = new FunctionTool({ name: 'dump', execute: () => new ToolResult('0123456789'.repeat(10), { rows: 100 }) });
    const short = new FunctionTool({ name: 'short', execute: () => 'tiny' });
    const seenByCallback: number[] = [];
    const events = await collect(
      streamUntilUserInputEvents({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        tools: [dump, short],
        maxToolOutputChars: 25,
        toolCallOutputCallback: (_call, result) => void seenByCallback.push(result.content.length),
      }),
    );
    expect(seenByCallback.sort((a, b) => a - b)).to.deep.equal([4, 100], 'the callback sees the whole output');
    const [sent, kept] = server.bodies[1].messages.slice(-2).map((message: any) => message.content);
    expect(sent).to.equal('0123456789012345678901234\n\n[Output truncated: 75 of 100 characters cut (maxToolOutputChars: 25).]');
    expect(kept).to.equal('tiny');
    const completed = events.filter((event): event is ToolCallCompletedEvent => event.type === 'tool_call.completed');
    const dumped = completed.find((event) => event.toolCall.function.name === 'dump')!;
    expect(dumped.result.content).to.equal(sent);
    expect(dumped.result.metadata).to.deep.equal({ rows: 100 });
  });

  it('cuts failed outputs too, keeps isError, and never splits a surrogate pair', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('emoji', {}), toolCall('broken', {})]), reply.text('ok')] });
    const emoji = new FunctionTool({ name: 'emoji', execute: () => 'ab😀cd' });
    const broken = new FunctionTool({ name: 'broken', execute: () => ToolResult.error('E'.repeat(50)) });
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [emoji, broken], maxToolOutputChars: 3 }),
    );
    const [emojiMessage, brokenMessage] = server.bodies[1].messages.slice(-2).map((message: any) => message.content);
    expect(emojiMessage.startsWith('ab\n\n[Output truncated: 4 of 6 characters cut')).to.equal(true);
    expect(brokenMessage.startsWith('EEE\n\n[Output truncated: 47 of 50')).to.equal(true);
    const failed = events.find((event) => event.type === 'tool_call.failed') as any;
    expect(failed.result.isError).to.equal(true);
  });
});
