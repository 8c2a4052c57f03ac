import { expect } from 'chai';
import { IsInt, IsString, Max, Min } from 'class-validator';
import {
  Agent,
  DEFAULT_REJECTION_MESSAGE,
  FunctionTool,
  OnCheckpoint,
  OnRunInterrupted,
  RunState,
  RunStateError,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  Tool,
  ToolArgumentsError,
  ToolCallRejectedError,
  Toolset,
  type RunCheckpointEvent,
  type RunInterruptedEvent,
  type RunStateJSON,
  type ToolCallFailedEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, user } from '../support/helpers.js';

/** A tool with a side effect: counts every execution. */
function ledger() {
  const runs: string[] = [];
  const refund = new FunctionTool({
    name: 'refund',
    needsApproval: true,
    execute: ({ order, amount }: { order: string; amount: number }) => {
      runs.push(`refund ${order} ${amount}`);
      return `refunded ${amount} on ${order}`;
    },
  });
  const lookup = new FunctionTool({
    name: 'lookup',
    execute: ({ order }: { order: string }) => {
      runs.push(`lookup ${order}`);
      return `order ${order}: paid 40`;
    },
  });
  return { runs, refund, lookup };
}

const turnWithRefund = () =>
  reply.toolCalls([toolCall('lookup', { order: 'A1' }, { id: 'call_lookup' }), toolCall('refund', { order: 'A1', amount: 40 }, { id: 'call_refund' })]);
const toolMessages = (messages: readonly { role: string }[]) => messages.filter((m) => m.role === 'tool') as unknown as { tool_call_id: string; content: string }[];

describe('approval and resumable runs', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('runs the approval-free calls, then ends with run.interrupted listing the call that waits; the result resolves', async () => {
    const { runs, refund, lookup } = ledger();
    server = await ScriptedChatServer.start({ script: [turnWithRefund()] });
    const events = await collect(streamUntilUserInputEvents({ client: server.client(), model: 'm', messages: [user('refund A1')], tools: [lookup, refund] }));
    expect(runs).to.deep.equal(['lookup A1']);
    const types = events.filter((e) => e.type !== 'stream.event').map((e) => e.type);
    expect(types).to.deep.equal(['iteration.started', 'iteration.completed', 'run.checkpoint', 'tool_call.started', 'tool_call.completed', 'run.interrupted']);
    const interrupted = events.at(-1) as RunInterruptedEvent;
    expect(interrupted.interruptions).to.have.length(1);
    expect(interrupted.interruptions[0]).to.deep.include({ toolName: 'refund', arguments: { order: 'A1', amount: 40 } });
    expect(interrupted.interruptions[0]!.toolCall.id).to.equal('call_refund');
    expect(interrupted.result.interruptions).to.deep.equal(interrupted.interruptions);
    // No tool message of the turn is in the history yet: the results are kept in the state, in the model's order later.
    expect(toolMessages(interrupted.result.messages)).to.deep.equal([]);

    server.enqueue(turnWithRefund());
    const result = await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('refund A1')], tools: [lookup, refund] });
    expect(result.interrupted).to.equal(true);
    expect(result.state).to.be.instanceOf(RunState);
    expect(result.state!.undecided.map((i) => i.toolCall.id)).to.deep.equal(['call_refund']);
  });

  it('approve: the approved call runs exactly once, nothing else runs again, no model request is repeated, results in the model order', async () => {
    const { runs, refund, lookup } = ledger();
    server = await ScriptedChatServer.start({ script: [turnWithRefund(), reply.text('Refunded.')] });
    const options = { client: server.client(), model: 'm', messages: [user('refund A1')], tools: [lookup, refund] };
    const first = await streamUntilUserInput(options);
    expect(server.requests).to.have.length(1);
    const state = first.state!.approve('call_refund');
    const events = await collect(streamUntilUserInputEvents({ ...options, resume: state }));
    const result = (events.at(-1) as { result: any }).result;
    expect(events.at(-1)!.type).to.equal('run.completed');
    expect(runs).to.deep.equal(['lookup A1', 'refund A1 40']);
    expect(server.requests).to.have.length(2);
    expect(toolMessages(result.messages).map((m) => [m.tool_call_id, m.content])).to.deep.equal([
      ['call_lookup', 'order A1: paid 40'],
      ['call_refund', 'refunded 40 on A1'],
    ]);
    expect(toolMessages(server.requests[1]!.body.messages).map((m) => m.tool_call_id)).to.deep.equal(['call_lookup', 'call_refund']);
    expect(result.finalContent).to.equal('Refunded.');
    expect(result.interruptions).to.deep.equal([]);
    expect(result.state).to.equal(undefined);
    // The resumed run keeps its id and its whole history: usages of both requests.
    expect(result.usages).to.have.length(2);
    expect(events.filter((e) => e.type === 'tool_call.started').map((e: any) => e.toolCall.id)).to.deep.equal(['call_refund']);
  });

  it('reject: the call never runs, the model gets the rejection and tool_call.failed says ToolCallRejectedError', async () => {
    const { runs, refund, lookup } = ledger();
    server = await ScriptedChatServer.start({ script: [turnWithRefund(), reply.text('OK, no refund.'), turnWithRefund(), reply.text('fine')] });
    const options = { client: server.client(), model: 'm', messages: [user('refund A1')], tools: [lookup, refund] };
    const first = await streamUntilUserInput(options);
    const events = await collect(streamUntilUserInputEvents({ ...options, resume: first.state!.reject('call_refund', { message: 'Refunds over 30 need a manager.' }) }));
    const failed = events.find((e) => e.type === 'tool_call.failed') as ToolCallFailedEvent;
    expect(failed.error).to.be.instanceOf(ToolCallRejectedError);
    expect(failed.toolCall.id).to.equal('call_refund');
    expect(toolMessages(server.requests[1]!.body.messages).map((m) => m.content)).to.deep.equal(['order A1: paid 40', 'Refunds over 30 need a manager.']);
    expect(runs).to.deep.equal(['lookup A1']);

    const second = await streamUntilUserInput(options);
    const resumed = await streamUntilUserInput({ ...options, resume: second.state!.reject('call_refund') });
    expect(toolMessages(resumed.messages).at(-1)!.content).to.equal(DEFAULT_REJECTION_MESSAGE);
  });

  it('undecided calls interrupt again at once, without a model request', async () => {
    const { runs, refund, lookup } = ledger();
    server = await ScriptedChatServer.start({ script: [turnWithRefund()] });
    const options = { client: server.client(), model: 'm', messages: [user('refund A1')], tools: [lookup, refund] };
    const first = await streamUntilUserInput(options);
    const again = await streamUntilUserInput({ ...options, resume: first.state! });
    expect(again.interrupted).to.equal(true);
    expect(again.interruptions.map((i) => i.toolCall.id)).to.deep.equal(['call_refund']);
    expect(server.requests).to.have.length(1);
    expect(runs).to.deep.equal(['lookup A1']);
    expect(again.state!.runId).to.equal(first.state!.runId);
  });

  it('survives JSON and resumes through a new Agent; agent.run(state) and agent.stream(state)', async () => {
    const { runs, refund, lookup } = ledger();
    server = await ScriptedChatServer.start({ script: [turnWithRefund(), reply.text('done'), turnWithRefund(), reply.text('streamed')] });
    const make = () => new Agent({ client: server.client(), model: 'm', instructions: 'You handle refunds.', tools: [lookup, refund] });
    const first = await make().run('refund A1');
    const stored = JSON.stringify(first.state);
    const loaded = RunState.fromJSON(JSON.parse(stored)).approve('call_refund');
    const result = await make().run(loaded);
    expect(result.finalContent).to.equal('done');
    expect(result.messages[0]).to.deep.equal({ role: 'system', content: 'You handle refunds.' });
    expect(server.requests[1]!.body.messages.filter((m: any) => m.role === 'system')).to.have.length(1);

    const second = await make().run('refund A1');
    const json: RunStateJSON = JSON.parse(JSON.stringify(second.state!.approve({ id: 'call_refund' })));
    const events = await collect(make().stream(json));
    expect(events.at(-1)!.type).to.equal('run.completed');
    expect(runs.filter((r) => r.startsWith('refund'))).to.have.length(2);
  });

  it('edited arguments are validated like the model\'s, and what ran is what the history shows', async () => {
    class RefundArgs {
      @IsString() order!: string;
      @IsInt() @Min(1) @Max(100) amount!: number;
    }
    const paid: [string, number][] = [];
    @Toolset()
    class Payments {
      @Tool({ needsApproval: true, input: RefundArgs })
      async refund(args: RefundArgs) {
        paid.push([args.order, args.amount]);
        return `refunded ${args.amount}`;
      }
    }
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('refund', { order: 'A1', amount: 40 }, { id: 'r1' })), reply.text('ok'), reply.toolCalls(toolCall('refund', { order: 'A1', amount: 40 }, { id: 'r2' })), reply.text('ok')],
    });
    const options = { client: server.client(), model: 'm', messages: [user('refund')], tools: [new Payments()] };
    const first = await streamUntilUserInput(options);
    const events = await collect(streamUntilUserInputEvents({ ...options, resume: first.state!.approve('r1', { arguments: { order: 'A1', amount: 500 } }) }));
    const failed = events.find((e) => e.type === 'tool_call.failed') as ToolCallFailedEvent;
    expect(failed.error).to.be.instanceOf(ToolArgumentsError);
    expect((failed.error as Error).message).to.match(/amount/);
    expect(paid).to.deep.equal([]);

    const second = await streamUntilUserInput(options);
    const resumed = await streamUntilUserInput({ ...options, resume: second.state!.approve('r2', { arguments: { order: 'A1', amount: 25 } }) });
    expect(paid).to.deep.equal([['A1', 25]]);
    const assistant = resumed.messages.find((m: any) => m.tool_calls?.[0]?.id === 'r2') as any;
    expect(JSON.parse(assistant.tool_calls[0].function.arguments)).to.deep.equal({ order: 'A1', amount: 25 });
  });

  it('asks a needsApproval function with the parsed arguments and the context, and the run option for raw schemas', async () => {
    const small = new FunctionTool({
      name: 'refund',
      needsApproval: (args: { amount: number }, context: { limit: number }) => args.amount > context.limit,
      execute: ({ amount }: { amount: number }) => `refunded ${amount}`,
    });
    server = await ScriptedChatServer.start({
      script: [reply.toolCalls(toolCall('refund', { amount: 10 })), reply.text('done'), reply.toolCalls(toolCall('refund', { amount: 90 })), reply.toolCalls(toolCall('wipe', {}, { id: 'w1' }))],
    });
    const base = { client: server.client(), model: 'm', messages: [user('go')], tools: [small], context: { limit: 50 } };
    expect((await streamUntilUserInput(base)).interrupted).to.equal(false);
    expect((await streamUntilUserInput(base)).interruptions.map((i) => i.arguments)).to.deep.equal([{ amount: 90 }]);
    const raw = await streamUntilUserInput({
      client: server.client(),
      model: 'm',
      messages: [user('go')],
      params: { tools: [{ type: 'function', function: { name: 'wipe', parameters: { type: 'object', properties: {} } } }] },
      toolInvokers: { wipe: () => 'wiped' },
      needsApproval: (toolCall) => toolCall.function.name === 'wipe',
    });
    expect(raw.interruptions.map((i) => i.toolCall.id)).to.deep.equal(['w1']);
  });

  it('emits two checkpoints per iteration with tools; resuming from either repeats no model request and no tool call', async () => {
    const calls: string[] = [];
    const step = new FunctionTool({ name: 'step', execute: ({ n }: { n: number }) => (calls.push(`step ${n}`), `did ${n}`) });
    const script = () => [reply.toolCalls(toolCall('step', { n: 1 }, { id: 's1' })), reply.toolCalls(toolCall('step', { n: 2 }, { id: 's2' })), reply.text('all done')];
    server = await ScriptedChatServer.start({ script: script() });
    const options = { client: server.client(), model: 'm', messages: [user('go')], tools: [step] };
    const events = await collect(streamUntilUserInputEvents(options));
    const checkpoints = events.filter((e): e is RunCheckpointEvent => e.type === 'run.checkpoint');
    expect(checkpoints.map((c) => [c.iteration, c.after, c.state.next])).to.deep.equal([
      [0, 'model', 'tools'],
      [0, 'tools', 'model'],
      [1, 'model', 'tools'],
      [1, 'tools', 'model'],
      [2, 'model', 'finished'],
    ]);
    const full = (events.at(-1) as any).result;
    expect(calls).to.deep.equal(['step 1', 'step 2']);

    // A run that dies right after checkpoint k, resumed from it, ends where the uninterrupted run ended,
    // with each model request and each tool call done once across both halves.
    for (let k = 0; k < 4; k++) {
      calls.length = 0;
      server.enqueue(...script());
      const before = server.requests.length;
      const saved: RunStateJSON[] = [];
      const controller = new AbortController();
      class Crash {
        @OnCheckpoint() save(event: RunCheckpointEvent) {
          saved.push(JSON.parse(JSON.stringify(event.state)));
          if (saved.length === k + 1) controller.abort(new Error('the process died'));
        }
      }
      await rejectionOf(streamUntilUserInput({ ...options, streamHandler: new Crash(), signal: controller.signal }));
      const resumed = await streamUntilUserInput({ ...options, resume: RunState.fromJSON(saved[k]) });
      expect(resumed.messages, `checkpoint ${k}`).to.deep.equal(full.messages);
      expect(calls, `checkpoint ${k}`).to.deep.equal(['step 1', 'step 2']);
      expect(server.requests.length - before, `requests, checkpoint ${k}`).to.equal(3);
    }
  });

  it('a signing key refuses states changed outside approve/reject, forged approvals and unsigned states', async () => {
    const { refund, lookup } = ledger();
    const signingKey = 'server-secret';
    server = await ScriptedChatServer.start({ script: [turnWithRefund(), reply.text('refunded')] });
    const options = { client: server.client(), model: 'm', messages: [user('refund A1')], tools: [lookup, refund], signingKey };
    const json = JSON.parse(JSON.stringify((await streamUntilUserInput(options)).state)) as RunStateJSON;
    expect(json.signature).to.be.a('string');

    const forged = structuredClone(json);
    forged.pending = forged.pending.map((p) => (p.id === 'call_refund' ? { ...p, decision: { type: 'approve' as const } } : p));
    expect(() => RunState.fromJSON(forged, { signingKey })).to.throw(RunStateError, /changed after it was signed/);
    const edited = structuredClone(json);
    (edited.messages.at(-1) as any).tool_calls[1].function.arguments = '{"order":"A1","amount":4000}';
    const error = await rejectionOf(streamUntilUserInput({ ...options, resume: edited }));
    expect(error).to.be.instanceOf(RunStateError);
    const { signature: _dropped, ...unsigned } = json;
    expect(() => RunState.fromJSON(unsigned, { signingKey })).to.throw(RunStateError, /not signed/);
    expect(() => RunState.fromJSON(json).approve('call_refund')).to.throw(RunStateError, /signingKey/);
    expect(() => RunState.fromJSON(json, { signingKey: 'another key' })).to.throw(RunStateError);

    const approved = RunState.fromJSON(json, { signingKey }).approve('call_refund');
    const resumed = await streamUntilUserInput({ ...options, resume: JSON.parse(JSON.stringify(approved)) });
    expect(resumed.interrupted).to.equal(false);
    expect(resumed.finalContent).to.equal('refunded');
  });

  it('bad input: unknown call ids, a second decision, another format version, a finished run, changed tools: RunStateError, state unchanged', async () => {
    const { runs, refund, lookup } = ledger();
    server = await ScriptedChatServer.start({ script: [turnWithRefund(), reply.text('done')] });
    const options = { client: server.client(), model: 'm', messages: [user('refund A1')], tools: [lookup, refund] };
    const state = (await streamUntilUserInput(options)).state!;
    expect(() => state.approve('call_nope')).to.throw(RunStateError, /does not wait for approval.*call_refund \(refund\)/);
    expect(() => state.approve('call_lookup')).to.throw(RunStateError, /does not wait/);
    state.approve('call_refund');
    expect(() => state.reject('call_refund')).to.throw(RunStateError, /already approved/);
    expect(state.interruptions[0]!.decision).to.deep.equal({ type: 'approve' });
    expect(() => RunState.fromJSON({ ...state.toJSON(), version: 99 })).to.throw(RunStateError, /format version 99/);
    expect(() => RunState.fromJSON(JSON.stringify(state))).to.throw(RunStateError, /JSON.parse/);
    expect(() => RunState.fromJSON({ hello: 'world' })).to.throw(RunStateError, /Not a run state/);

    const changed = new FunctionTool({ name: 'refund', description: 'now with a different meaning', needsApproval: true, execute: () => 'x' });
    const toolsChanged = await rejectionOf(streamUntilUserInput({ ...options, tools: [lookup, changed], resume: state }));
    expect(toolsChanged).to.be.instanceOf(RunStateError);
    expect(toolsChanged.message).to.match(/Tool "refund" changed/);
    expect(toolsChanged.messages.length).to.be.greaterThan(0);
    expect(runs).to.deep.equal(['lookup A1']);

    const finished = await collect(streamUntilUserInputEvents({ ...options, resume: state }));
    const last = finished.filter((e): e is RunCheckpointEvent => e.type === 'run.checkpoint').at(-1)!;
    expect(last.state.next).to.equal('finished');
    const error = await rejectionOf(streamUntilUserInput({ ...options, resume: last.state }));
    expect(error).to.be.instanceOf(RunStateError);
    expect(error.message).to.match(/finished/);
  });

  it('hooks: @OnRunInterrupted and @OnCheckpoint receive the state', async () => {
    const { refund, lookup } = ledger();
    server = await ScriptedChatServer.start({ script: [turnWithRefund()] });
    const seen: string[] = [];
    class Audit {
      @OnCheckpoint() checkpoint(event: RunCheckpointEvent) {
        seen.push(`checkpoint ${event.after} ${event.state.next}`);
      }
      @OnRunInterrupted() interrupted(event: RunInterruptedEvent) {
        seen.push(`interrupted ${event.interruptions.map((i) => i.toolName).join()}`);
      }
    }
    await streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [lookup, refund], streamHandler: new Audit() });
    expect(seen).to.deep.equal(['checkpoint model tools', 'interrupted refund']);
  });

  it('never lets a call that needs approval run without a decision: a throwing needsApproval fails the run', async () => {
    let ran = false;
    const risky = new FunctionTool({
      name: 'risky',
      needsApproval: () => {
        throw new Error('policy service down');
      },
      execute: () => ((ran = true), 'done'),
    });
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('risky', {}))] });
    const error = await rejectionOf(streamUntilUserInput({ client: server.client(), model: 'm', messages: [user('x')], tools: [risky] }));
    expect(error.message).to.equal('policy service down');
    expect(ran).to.equal(false);
  });

  it('an MCP toolset asks approval for the listed server tools only', async () => {
    const { McpToolset } = await import('chat-cmpl-stream-handler/mcp');
    const { createDemoServer, newDemoLog } = await import('../mcp/fixtures/demo-server.js');
    const { connectInMemory } = await import('../mcp/fixtures/in-memory.js');
    const log = newDemoLog();
    const client = await connectInMemory(createDemoServer(log));
    const toolset = await McpToolset.connect({ client, label: 'demo', needsApproval: ['slow'] });
    try {
      server = await ScriptedChatServer.start({
        script: [reply.toolCalls([toolCall('demo__echo', { text: 'hi' }, { id: 'e1' }), toolCall('demo__slow', { ms: 1 }, { id: 's1' })]), reply.text('done')],
      });
      const options = { client: server.client(), model: 'm', messages: [user('go')], tools: [toolset] };
      const first = await streamUntilUserInput(options);
      expect(first.interruptions.map((i) => i.toolName)).to.deep.equal(['demo__slow']);
      expect(log.calls.map((c) => c.name)).to.deep.equal(['echo']);
      const resumed = await streamUntilUserInput({ ...options, resume: first.state!.approve('s1') });
      expect(log.calls.map((c) => c.name)).to.deep.equal(['echo', 'slow']);
      expect(resumed.finalContent).to.equal('done');
    } finally {
      await toolset.close();
    }
  });
});
