import { expect } from 'chai';
import {
  FunctionTool,
  MaxIterationsReached,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  ToolCallCancelledError,
  ToolCallError,
  ToolConfigurationError,
  ToolResult,
  ToolTimeoutError,
  UnknownToolError,
  type ToolCallFailedEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, sleep, user } from '../support/helpers.js';

const failing = (message: string) =>
  new FunctionTool({
    name: 'flaky',
    execute: () => {
      throw new Error(message);
    },
  });

describe('tool errors', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it("'emit' (default) tells the model the tool failed, with the message and no stack, and goes on", async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('flaky', {})), reply.text('Sorry, it failed.')] });
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [failing('disk on fire')] }),
    );
    const toolMessage = server.requests[1]!.body.messages[2];
    expect(toolMessage.role).to.equal('tool');
    expect(toolMessage.content).to.equal('Error: tool "flaky" failed: disk on fire');
    expect(toolMessage.content).to.not.match(/\bat .*\(/);
    const failed = events.find((e) => e.type === 'tool_call.failed') as ToolCallFailedEvent;
    expect((failed.error as Error).message).to.equal('disk on fire');
    expect(failed.result!.content).to.equal(toolMessage.content);
    expect(events.at(-1)!.type).to.equal('run.completed');
    await server.close();
  });

  it("'raise' with one call at a time never starts the calls after the failing one", async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('flaky', {}), toolCall('count', {}), toolCall('count', {})])] });
    let started = 0;
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        tools: [failing('first fails'), { type: 'function', function: { name: 'count', parameters: { type: 'object', properties: {} } } }],
        toolInvokers: { count: () => String(++started) },
        onToolError: 'raise',
        parallelToolCalls: 1,
      }),
    );
    expect(error.message).to.equal('first fails');
    await sleep(20);
    expect(started).to.equal(0);
    expect(error.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content)).to.deep.equal([
      'Error: tool "flaky" failed: first fails',
      'Error: tool "count" failed: Tool "count" was cancelled because tool "flaky" failed.',
      'Error: tool "count" failed: Tool "count" was cancelled because tool "flaky" failed.',
    ]);
  });

  it("'raise' rejects with the original error and cancels running siblings through their signal", async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('slow', {}), toolCall('flaky', {})])] });
    const original = new Error('boom');
    let siblingSignal: AbortSignal | undefined;
    const slow = new FunctionTool({
      name: 'slow',
      execute: async (_args, _ctx, { signal }) => {
        siblingSignal = signal;
        await sleep(2000);
        return 'late';
      },
    });
    const flaky = new FunctionTool({
      name: 'flaky',
      execute: async () => {
        await sleep(10);
        throw original;
      },
    });
    const started = Date.now();
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [slow, flaky], onToolError: 'raise' }),
    );
    expect(error).to.equal(original);
    expect(Date.now() - started).to.be.lessThan(1000);
    expect(siblingSignal!.aborted).to.equal(true);
    // Nothing is lost: the history is complete and resendable.
    expect(error.messages.map((m: any) => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'tool']);
    expect(error.messages[2].content).to.match(/Tool "slow" was cancelled because tool "flaky" failed/);
    expect(error.messages[3].content).to.equal('Error: tool "flaky" failed: boom');
    await server.close();
  });

  it("'abort' lets siblings finish, records every result, then fails with ToolCallError", async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('flaky', {}), toolCall('ok', {})])] });
    const ok = new FunctionTool({
      name: 'ok',
      execute: async () => {
        await sleep(30);
        return 'fine';
      },
    });
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [failing('bad'), ok], onToolError: 'abort' }),
    );
    const last = events.at(-1)!;
    expect(last.type).to.equal('run.failed');
    if (last.type !== 'run.failed') return;
    expect(last.error).to.be.instanceOf(ToolCallError);
    expect((last.error as ToolCallError).toolCall.function.name).to.equal('flaky');
    expect(((last.error as ToolCallError).cause as Error).message).to.equal('bad');
    expect(last.messages.map((m) => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'tool']);
    expect(last.messages[3]).to.deep.include({ content: 'fine' });
    expect(events.filter((e) => e.type === 'tool_call.completed')).to.have.length(1);
    expect(server.requests).to.have.length(1);
    await server.close();
  });

  it('routes unknown tool names to fallbackInvoker', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('dynamic_tool', { v: 1 })), reply.text('ok')] });
    const names: string[] = [];
    await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('x')],
      fallbackInvoker: (name) => {
        names.push(name);
        return (call) => `handled ${call.function.name} ${call.function.arguments}`;
      },
    });
    expect(names).to.deep.equal(['dynamic_tool']);
    expect(server.requests[1]!.body.messages[2].content).to.equal('handled dynamic_tool {"v":1}');
    await server.close();
  });

  it("tells the model a tool name is unknown and which tools exist (under 'emit')", async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('get_wether', {})), reply.text('oops')] });
    const events = await collect(
      streamUntilUserInputEvents({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        tools: [new FunctionTool({ name: 'get_weather', execute: () => 'x' }), new FunctionTool({ name: 'get_time', execute: () => 'y' })],
        fallbackInvoker: () => undefined,
      }),
    );
    expect(server.requests[1]!.body.messages[2].content).to.equal('Unknown tool "get_wether". Available tools: get_weather, get_time.');
    expect((events.find((e) => e.type === 'tool_call.failed') as ToolCallFailedEvent).error).to.be.instanceOf(UnknownToolError);
    await server.close();
  });

  it('fails a call that exceeds its timeout like a throw, aborting the signal it got', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('slow', {})), reply.text('timed out, sorry')] });
    let signal: AbortSignal | undefined;
    const slow = new FunctionTool({
      name: 'slow',
      timeout: 50,
      execute: async (_a, _c, options) => {
        signal = options.signal;
        await sleep(1000);
        return 'never';
      },
    });
    const started = Date.now();
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [slow] }));
    expect(Date.now() - started).to.be.lessThan(800);
    const failed = events.find((e) => e.type === 'tool_call.failed') as ToolCallFailedEvent;
    expect(failed.error).to.be.instanceOf(ToolTimeoutError);
    expect(signal!.aborted).to.equal(true);
    expect(server.requests[1]!.body.messages[2].content).to.equal('Error: tool "slow" failed: Tool "slow" timed out after 50 ms.');
    await server.close();
  });

  it('reports a ToolResult.error as tool_call.failed and sends its content as is', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('find', {})), reply.text('not found')] });
    const find = new FunctionTool({ name: 'find', execute: () => ToolResult.error('No such city: Atlantis', { code: 404 }) });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [find], onToolError: 'raise' }));
    const failed = events.find((e) => e.type === 'tool_call.failed') as ToolCallFailedEvent;
    expect(failed.result!.metadata).to.deep.equal({ code: 404 });
    expect(server.requests[1]!.body.messages[2].content).to.equal('No such city: Atlantis');
    expect(events.at(-1)!.type).to.equal('run.completed');
    await server.close();
  });

  it('stops after maxIterations with MaxIterationsReached carrying the messages', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('again', {})), reply.toolCalls(toolCall('again', {}))] });
    const again = new FunctionTool({ name: 'again', execute: () => 'once more' });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [again], maxIterations: 2 }));
    expect(error).to.be.instanceOf(MaxIterationsReached);
    expect(error.maxIterations).to.equal(2);
    expect(error.messages.map((m: any) => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(server.requests).to.have.length(2);
    await server.close();
  });

  it('rejects a schema without an invoker before sending anything', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const error = await rejectionOf(
      streamUntilUserInput({
        client: server.client(),
        model: 'm',
        messages: [user('x')],
        params: { tools: [{ type: 'function', function: { name: 'orphan', parameters: { type: 'object', properties: {} } } }] },
      }),
    );
    expect(error).to.be.instanceOf(ToolConfigurationError);
    expect(error.message).to.contain('"orphan"').and.contain('toolInvokers');
    expect(server.requests).to.have.length(0);
    await server.close();
  });

  it('names the problem in invalid options', async () => {
    server = await ScriptedChatServer.start({ script: [] });
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: '', messages: [user('x')], maxIterations: 0, onToolError: 'explode' as any }),
    );
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.contain('model must be a non-empty string').and.contain('maxIterations must be a positive integer').and.contain("onToolError must be 'emit', 'raise' or 'abort'");
    await server.close();
  });

  for (const [what, tool] of [
    ['a successful call', new FunctionTool({ name: 'work', execute: () => 'fine' })],
    ['a failed call', new FunctionTool({ name: 'work', execute: () => Promise.reject(new Error('broken tool')) })],
  ] as const) {
    it(`fails the run with the error of a throwing toolCallOutputCallback, after ${what}`, async () => {
      server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('work', {}))] });
      const bug = new Error('redaction bug');
      let calls = 0;
      const error = await rejectionOf(
        streamUntilUserInput({
          client: server.client(),
          model: 'm',
          messages: [user('x')],
          tools: [tool],
          toolCallOutputCallback: () => {
            calls++;
            throw bug;
          },
        }),
      );
      expect(error).to.equal(bug);
      expect(calls).to.equal(1);
      expect(error.messages.map((m: any) => m.role)).to.deep.equal(['user', 'assistant', 'tool']);
      expect(server.requests).to.have.length(1);
      await server.close();
    });
  }

  it('marks cancelled siblings with ToolCallCancelledError in their events', async () => {
    server = await ScriptedChatServer.start({ script: [reply.toolCalls([toolCall('slow', {}), toolCall('flaky', {})])] });
    const slow = new FunctionTool({ name: 'slow', execute: () => sleep(500).then(() => 'late') });
    const events = await collect(
      streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('x')], tools: [slow, failing('nope')], onToolError: 'raise' }),
    );
    const failures = events.filter((e): e is ToolCallFailedEvent => e.type === 'tool_call.failed');
    expect(failures.map((f) => f.toolCall.function.name).sort()).to.deep.equal(['flaky', 'slow']);
    expect(failures.find((f) => f.toolCall.function.name === 'slow')!.error).to.be.instanceOf(ToolCallCancelledError);
    await server.close();
  });
});
