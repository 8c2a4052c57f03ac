/**
 * Compile-time checks: each `@ts-expect-error` line must fail to compile (the test build fails if it
 * compiles), and the calls without it must compile. The runs themselves check the context arrives.
 */
import { expect } from 'chai';
import { Agent, FunctionTool, streamUntilUserInput, streamUntilUserInputEvents } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, user } from '../support/helpers.js';

interface Session {
  userId: string;
}

const whoAmI = new FunctionTool({ name: 'who_am_i', execute: (_args: object, session: Session) => session.userId });

describe('context typing', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));
  const script = () => [reply.toolCalls(toolCall('who_am_i', {})), reply.text('ok')];

  it('requires context once tools say what it is, and passes it to them', async () => {
    server = await ScriptedChatServer.start({ script: [...script(), ...script()] });
    const client = server.client();
    const base = { client, model: 'm', messages: [user('who?')], tools: [whoAmI] };
    if (Math.random() > 2) {
      // @ts-expect-error context is missing: the tools need a Session
      await streamUntilUserInput(base);
      // @ts-expect-error context is missing
      streamUntilUserInputEvents(base);
      // @ts-expect-error the context is not a Session
      await streamUntilUserInput({ ...base, context: { userId: 42 } });
      // @ts-expect-error an explicit context type needs a context
      await streamUntilUserInput<Session>({ client, model: 'm', messages: [user('x')] });
    }
    const result = await streamUntilUserInput({ ...base, context: { userId: 'u-1' } });
    expect(result.messages[2]).to.deep.include({ content: 'u-1' });
    const events = await collect(streamUntilUserInputEvents({ ...base, context: { userId: 'u-2' } }));
    expect((events.at(-1) as any).result.messages[2]).to.deep.include({ content: 'u-2' });
  });

  it('keeps context optional while its type is unknown or accepts undefined', async () => {
    server = await ScriptedChatServer.start({ script: [reply.text('a'), reply.text('b')] });
    const client = server.client();
    await streamUntilUserInput({ client, model: 'm', messages: [user('x')] });
    await streamUntilUserInput<Session | undefined>({ client, model: 'm', messages: [user('x')] });
    expect(server.requests).to.have.length(2);
  });

  it('requires the run options of an Agent whose context type is known', async () => {
    server = await ScriptedChatServer.start({ script: [...script(), ...script(), reply.text('plain')] });
    const agent = new Agent({ client: server.client(), model: 'm', tools: [whoAmI] });
    if (Math.random() > 2) {
      // @ts-expect-error run options with a context are required
      await agent.run('who?');
      // @ts-expect-error the context is required
      await agent.run('who?', { maxIterations: 3 });
      // @ts-expect-error run options with a context are required
      agent.stream('who?');
    }
    const result = await agent.run('who?', { context: { userId: 'u-3' } });
    expect(result.messages[2]).to.deep.include({ content: 'u-3' });
    const events = await collect(agent.stream('who?', { context: { userId: 'u-4' } }));
    expect((events.at(-1) as any).result.messages[2]).to.deep.include({ content: 'u-4' });
    const untyped = new Agent({ client: server.client(), model: 'm' });
    expect((await untyped.run('hi')).finalContent).to.equal('plain');
  });
});
