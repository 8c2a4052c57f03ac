import { expect } from 'chai';
import { IsString } from 'class-validator';
import {
  Agent,
  FunctionTool,
  OnCheckpoint,
  RunState,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  Tool,
  Toolset,
  type RunCheckpointEvent,
  type RunStateJSON,
  type ToolContext,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, user } from '../support/helpers.js';

/** Two tools with side effects: `quick` answers at once, `slow` when released (or aborted). */
function sideEffects() {
  const executions: string[] = [];
  const keys: Record<string, string[]> = {};
  let release: () => void = () => {};
  const released = () => new Promise<void>((resolve) => (release = resolve));
  const record = (name: string, key: string | undefined) => {
    executions.push(name);
    (keys[name] ??= []).push(key ?? 'none');
  };
  const quick = new FunctionTool({ name: 'quick', execute: (_args: object, _context: unknown, { idempotencyKey }) => (record('quick', idempotencyKey), 'quick done') });
  const slow = new FunctionTool({
    name: 'slow',
    execute: async (_args: object, _context: unknown, { signal, idempotencyKey }) => {
      record('slow', idempotencyKey);
      await Promise.race([released(), new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
      return 'slow done';
    },
  });
  return { executions, keys, quick, slow, release: () => release() };
}

const twoCalls = () => reply.toolCalls([toolCall('quick', {}, { id: 'call_quick' }), toolCall('slow', {}, { id: 'call_slow' })]);
const pendingResults = (state: RunState | RunStateJSON) =>
  (JSON.parse(JSON.stringify(state)) as RunStateJSON).pending.map((entry) => [entry.id, entry.result?.content ?? null]);

describe('checkpointToolCalls: a checkpoint after each call of a batch', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('emits run.checkpoint { after: "tool_call" } as each call settles, its state carrying the results so far', async () => {
    const tools = sideEffects();
    server = await ScriptedChatServer.start({ script: [twoCalls(), reply.text('both done')] });
    const run = streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('go')], tools: [tools.quick, tools.slow], checkpointToolCalls: true });
    const checkpoints: RunCheckpointEvent[] = [];
    for await (const event of run) {
      if (event.type !== 'run.checkpoint') continue;
      checkpoints.push(event);
      if (event.after === 'tool_call') tools.release();
    }
    expect(checkpoints.map((c) => [c.iteration, c.after, c.toolCall?.id ?? null, c.state.next])).to.deep.equal([
      [0, 'model', null, 'tools'],
      [0, 'tool_call', 'call_quick', 'tools'],
      [0, 'tool_call', 'call_slow', 'tools'],
      [0, 'tools', null, 'model'],
      [1, 'model', null, 'finished'],
    ]);
    expect(pendingResults(checkpoints[1]!.state)).to.deep.equal([
      ['call_quick', 'quick done'],
      ['call_slow', null],
    ]);
    expect(pendingResults(checkpoints[2]!.state)).to.deep.equal([
      ['call_quick', 'quick done'],
      ['call_slow', 'slow done'],
    ]);
  });

  it('off by default: only the checkpoints after the model turn and after the batch', async () => {
    const tools = sideEffects();
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('quick', {}, { id: 'q1' })), reply.text('done')] });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('go')], tools: [tools.quick] }));
    expect(events.filter((e): e is RunCheckpointEvent => e.type === 'run.checkpoint').map((c) => c.after)).to.deep.equal(['model', 'tools', 'model']);
  });

  it('a run that dies mid-batch, resumed from its last checkpoint, does not run the finished call again; the cut one runs again with the same idempotency key', async () => {
    const tools = sideEffects();
    const signingKey = 'worker-secret';
    server = await ScriptedChatServer.start({ script: [twoCalls(), reply.text('both done')] });
    const options = { client: server.client(), model: 'm', messages: [user('go')], tools: [tools.quick, tools.slow], checkpointToolCalls: true, signingKey };
    let saved: RunStateJSON | undefined;
    const crash = new AbortController();
    class Store {
      @OnCheckpoint() save(event: RunCheckpointEvent) {
        saved = JSON.parse(JSON.stringify(event.state));
        // The process dies while `slow` still runs, right after `quick`'s result was stored.
        if (event.after === 'tool_call') crash.abort(new Error('kill -9'));
      }
    }
    await rejectionOf(streamUntilUserInput({ ...options, streamHandler: new Store(), signal: crash.signal }));
    expect(tools.executions).to.deep.equal(['quick', 'slow']);
    expect(saved!.signature).to.be.a('string');

    const resumed = streamUntilUserInput({ ...options, resume: RunState.fromJSON(saved, { signingKey }) });
    setTimeout(() => tools.release(), 10);
    const result = await resumed;
    expect(tools.executions).to.deep.equal(['quick', 'slow', 'slow']);
    expect(tools.keys['slow']![0]).to.equal(tools.keys['slow']![1]);
    expect(tools.keys['slow']![0]).to.equal(`${saved!.runId}:0:call_slow`);
    expect(tools.keys['quick']).to.deep.equal([`${saved!.runId}:0:call_quick`]);
    // One request per model turn across both halves; the tool messages in the model's order.
    expect(server.requests).to.have.length(2);
    expect(server.requests[1]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => [m.tool_call_id, m.content])).to.deep.equal([
      ['call_quick', 'quick done'],
      ['call_slow', 'slow done'],
    ]);
    expect(result.finalContent).to.equal('both done');
  });

  it("records a failed call under onToolError 'emit' (its error is the model's answer), not under 'raise'", async () => {
    const broken = new FunctionTool({ name: 'broken', execute: () => { throw new Error('disk full'); } });
    const script = () => [reply.toolCalls(toolCall('broken', {}, { id: 'b1' })), reply.text('sorry')];
    server = await ScriptedChatServer.start({ script: script() });
    const options = { client: server.client(), model: 'm', messages: [user('go')], tools: [broken], checkpointToolCalls: true };
    const emitted = await collect(streamUntilUserInputEvents(options));
    const afterCall = emitted.filter((e): e is RunCheckpointEvent => e.type === 'run.checkpoint' && e.after === 'tool_call');
    expect(afterCall).to.have.length(1);
    expect((JSON.parse(JSON.stringify(afterCall[0]!.state)) as RunStateJSON).pending).to.deep.include({ id: 'b1', approval: 'none', result: { content: 'Error: tool "broken" failed: disk full', isError: true } });

    server.enqueue(...script().slice(0, 1));
    const raised = await collect(streamUntilUserInputEvents({ ...options, onToolError: 'raise' }));
    expect(raised.at(-1)!.type).to.equal('run.failed');
    expect(raised.filter((e) => e.type === 'run.checkpoint' && e.after === 'tool_call')).to.deep.equal([]);
  });

  it('Agent: the option on the agent or per run; @Tool methods get the idempotency key in their ToolContext', async () => {
    class Args {
      @IsString() id!: string;
    }
    const seen: (string | undefined)[] = [];
    @Toolset()
    class Orders {
      @Tool({ input: Args }) async ship(args: Args, ctx: ToolContext) {
        seen.push(ctx.idempotencyKey);
        return `shipped ${args.id}`;
      }
    }
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('ship', { id: 'A1' }, { id: 'c1' })), reply.text('ok')] });
    const agent = new Agent({ client: server.client(), model: 'm', toolsets: [new Orders()] });
    const events = await collect(agent.stream('ship A1', { checkpointToolCalls: true }));
    expect(events.filter((e) => e.type === 'run.checkpoint').map((e) => (e as RunCheckpointEvent).after)).to.deep.equal(['model', 'tool_call', 'tools', 'model']);
    expect(seen).to.have.length(1);
    expect(seen[0]).to.match(/^[0-9a-f-]{36}:0:c1$/);
  });

  it('refuses a value that is not a boolean', async () => {
    server = await ScriptedChatServer.start();
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('go')], checkpointToolCalls: 'yes' as any }));
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.contain('checkpointToolCalls must be true or false, got yes.');
  });
});
