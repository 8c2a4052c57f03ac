import { Injectable, Module } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { expect } from 'chai';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { Agent, RunState, RunStateError, Tool, Toolset, type LifecycleEvent, type ToolContext } from 'chat-cmpl-stream-handler';
import {
  ChatAgents,
  ChatRuns,
  ChatToolsModuleError,
  InMemoryRunStateStore,
  RunDecisionError,
  RunStateStore,
  type StoredRun,
} from 'chat-cmpl-stream-handler/nest';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf } from '../support/helpers.js';
import { compileApp, startApp } from './fixtures/harness.js';

interface Caller {
  userId: string;
}

class RefundArgs {
  @IsString() order!: string;
  @IsInt() @Min(1) @Max(500) amount!: number;
}

/** Pays refunds (each needs approval) and records every payment: the side effect to count. */
@Injectable()
class Payments {
  readonly paid: string[] = [];
}

@Injectable()
@Toolset({ tags: ['payments'] })
class PaymentTools {
  constructor(private readonly payments: Payments) {}

  @Tool({ needsApproval: true, input: RefundArgs, description: 'Refund an order' })
  async refund(args: RefundArgs, ctx: ToolContext<Caller>): Promise<string> {
    this.payments.paid.push(`${ctx.context.userId} ${args.order} ${args.amount}`);
    return `refunded ${args.amount} on ${args.order}`;
  }

  @Tool({ input: null, description: 'Look up the balance' })
  async balance(): Promise<string> {
    return 'balance 100';
  }
}

@Module({ providers: [Payments, PaymentTools] })
class PaymentsModule {}

const SIGNING_KEY = 'a test signing key of 32+ characters';
const alice = { owner: 'alice', context: { userId: 'alice' } };
const bob = { owner: 'bob', context: { userId: 'bob' } };
const refundTurn = (...calls: [id: string, amount: number][]) =>
  reply.toolCalls(calls.map(([id, amount]) => toolCall('refund', { order: 'A1', amount }, { id })));

describe('nest: ChatRuns keeps runs that wait for approval in a RunStateStore', () => {
  let server: ScriptedChatServer;
  let moduleRef: TestingModule;
  let runs: ChatRuns;
  let store: RunStateStore;
  let agent: Agent<Caller>;
  let paid: string[];

  async function start(options: Parameters<typeof startApp>[2] = {}) {
    moduleRef = await startApp(server, { imports: [PaymentsModule] }, { signingKey: SIGNING_KEY, ...options });
    runs = moduleRef.get(ChatRuns);
    store = moduleRef.get(RunStateStore);
    agent = moduleRef.get(ChatAgents).create<Caller>({ tags: ['payments'] });
    paid = moduleRef.get(Payments).paid;
  }

  /** Starts a run that pauses on the given calls; returns its run id. */
  async function paused(...calls: [id: string, amount: number][]): Promise<string> {
    server.enqueue(refundTurn(...calls));
    const events = await collect(runs.start(agent, 'refund A1', alice));
    const last = events.at(-1)!;
    expect(last.type).to.equal('run.interrupted');
    return (last as Extract<LifecycleEvent, { type: 'run.interrupted' }>).state.runId;
  }

  beforeEach(async () => {
    server = await ScriptedChatServer.start();
  });
  afterEach(async () => {
    await moduleRef?.close();
    await server.close({ force: true });
  });

  it('stores the paused run (signed, owned, waiting) before yielding run.interrupted, and nothing for runs that finish', async () => {
    await start();
    server.enqueue(refundTurn(['r1', 40]));
    let storedWhenYielded: StoredRun | undefined;
    for await (const event of runs.start(agent, 'refund A1', alice)) {
      if (event.type === 'run.interrupted') storedWhenYielded = await store.load(event.state.runId);
    }
    expect(storedWhenYielded).to.include({ status: 'waiting', owner: 'alice' });
    expect(storedWhenYielded!.decided).to.deep.equal({});
    expect(storedWhenYielded!.state!.signature).to.be.a('string');
    expect(RunState.fromJSON(storedWhenYielded!.state, { signingKey: SIGNING_KEY }).undecided.map((i) => i.toolCall.id)).to.deep.equal(['r1']);
    expect(paid).to.deep.equal([]);

    server.enqueue(reply.text('hello'));
    const events = await collect(runs.start(agent, 'hi', alice));
    expect(events.at(-1)!.type).to.equal('run.completed');
    expect((store as InMemoryRunStateStore).size).to.equal(1);
  });

  it('approve: the call runs once with the deciding user as context; the record follows each checkpoint, ends finished and refuses late decisions', async () => {
    await start();
    const runId = await paused(['r1', 40]);
    server.enqueue(reply.text('Refunded.'));
    const events: LifecycleEvent[] = [];
    const whileRunning: (StoredRun | undefined)[] = [];
    for await (const event of await runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice)) {
      events.push(event);
      if (event.type === 'run.checkpoint') whileRunning.push(await store.load(runId));
    }
    expect(events.at(-1)!.type).to.equal('run.completed');
    // Saved before each checkpoint event is yielded: after the refund (next: model), after the answer (next: finished).
    expect(whileRunning.map((record) => [record!.status, record!.state!.next])).to.deep.equal([
      ['running', 'model'],
      ['running', 'finished'],
    ]);
    expect(paid).to.deep.equal(['alice A1 40']);
    const record = await store.load(runId);
    expect(record).to.include({ status: 'finished', owner: 'alice' });
    expect(record!.decided).to.deep.equal({ r1: 'approved' });
    expect(record!.state).to.equal(undefined);

    const again = await rejectionOf(runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice));
    expect(again).to.be.instanceOf(RunDecisionError).and.to.be.instanceOf(RunStateError);
    expect(again).to.include({ code: 'already_decided', status: 409 });
    expect(again.message).to.equal(`Call r1 of run ${runId} was already approved; a call takes one decision.`);
    const other = await rejectionOf(runs.resume(agent, runId, [{ callId: 'r9', reject: true }], alice));
    expect(other).to.include({ code: 'run_ended', status: 409 });
    expect(other.message).to.equal(`Run ${runId} is finished: there is nothing left to decide. Send a new message to start another run.`);
    expect(paid).to.have.length(1);
  });

  it('reject: the call never runs and the model gets the message', async () => {
    await start();
    const runId = await paused(['r1', 40]);
    server.enqueue(reply.text('OK, no refund.'));
    const events = await collect(await runs.resume(agent, runId, [{ callId: 'r1', reject: true, message: 'Not today.' }], alice));
    expect(events.find((e) => e.type === 'tool_call.failed')).to.not.equal(undefined);
    expect(paid).to.deep.equal([]);
    expect(server.requests[1]!.body.messages.at(-1)).to.deep.include({ role: 'tool', tool_call_id: 'r1', content: 'Not today.' });
    expect((await store.load(runId))!.decided).to.deep.equal({ r1: 'rejected' });
  });

  it('edited arguments from the client are validated like the model\'s', async () => {
    await start();
    const runId = await paused(['r1', 40]);
    server.enqueue(reply.text('ok'));
    await collect(await runs.resume(agent, runId, [{ callId: 'r1', approve: true, arguments: { order: 'A1', amount: 25 } }], alice));
    expect(paid).to.deep.equal(['alice A1 25']);
    const secondId = await paused(['r2', 40]);
    server.enqueue(reply.text('ok'));
    const events = await collect(await runs.resume(agent, secondId, [{ callId: 'r2', approve: true, arguments: { order: 'A1', amount: 9000 } }], alice));
    expect((events.find((e) => e.type === 'tool_call.failed') as any).error.message).to.match(/amount/);
    expect(paid).to.have.length(1);
  });

  it('two requests deciding one run at once: exactly one resumes it, the other gets already_resumed, and the tool runs once', async () => {
    await start();
    const runId = await paused(['r1', 40]);
    server.enqueue(reply.text('Refunded.'));
    const outcomes = await Promise.allSettled([
      runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice),
      runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice),
    ]);
    const resumed = outcomes.filter((o): o is PromiseFulfilledResult<AsyncGenerator<LifecycleEvent>> => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(resumed).to.have.length(1);
    expect(refused).to.have.length(1);
    expect(refused[0]!.reason).to.include({ code: 'already_resumed', status: 409 });
    expect(refused[0]!.reason.message).to.equal(`Another request decided run ${runId} at the same time and resumed it; these decisions were not applied.`);
    await collect(resumed[0]!.value);
    expect(paid).to.deep.equal(['alice A1 40']);
    expect((await store.load(runId))!.status).to.equal('finished');
  });

  it('partial decisions: the decided call runs, the run waits again for the rest, and each call takes one decision', async () => {
    await start();
    const runId = await paused(['r1', 10], ['r2', 20]);
    const first = await collect(await runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice));
    const interrupted = first.at(-1) as Extract<LifecycleEvent, { type: 'run.interrupted' }>;
    expect(interrupted.type).to.equal('run.interrupted');
    expect(interrupted.interruptions.map((i) => i.toolCall.id)).to.deep.equal(['r2']);
    expect(paid).to.deep.equal(['alice A1 10']);
    const waiting = await store.load(runId);
    expect(waiting).to.include({ status: 'waiting' });
    expect(waiting!.decided).to.deep.equal({ r1: 'approved' });

    expect(await rejectionOf(runs.resume(agent, runId, [{ callId: 'r1', reject: true }], alice))).to.include({ code: 'already_decided' });
    server.enqueue(reply.text('done'));
    await collect(await runs.resume(agent, runId, [{ callId: 'r2', reject: true }], alice));
    expect(paid).to.deep.equal(['alice A1 10']);
    expect((await store.load(runId))!.decided).to.deep.equal({ r1: 'approved', r2: 'rejected' });
    expect(server.requests).to.have.length(2);
  });

  it('refuses bad decisions with a RunDecisionError naming the problem, and leaves the stored run exactly as it was', async () => {
    await start();
    const runId = await paused(['r1', 40]);
    const before = await store.load(runId);
    const cases: [decisions: unknown, options: typeof alice, code: string, message: string][] = [
      [[{ callId: 'nope', approve: true }], alice, 'invalid_decisions', 'Call "nope" does not wait for approval in this state. Calls waiting: r1 (refund).'],
      [[{ callId: 'r1', approve: true }, { callId: 'r1', reject: true }], alice, 'invalid_decisions', 'Call r1 was already approved; a call takes one decision.'],
      [[], alice, 'invalid_decisions', 'decisions must be a non-empty array (at most 100) of { callId, approve: true } or { callId, reject: true }, got [].'],
      [[{ callId: 'r1' }], alice, 'invalid_decisions', 'decisions[0] (call r1) must have exactly one of approve: true and reject: true.'],
      [[{ callId: 'r1', approve: 'yes' }], alice, 'invalid_decisions', 'decisions[0] (call r1) must have exactly one of approve: true and reject: true.'],
      [[{ callId: 'r1', approve: true, message: 'x' }], alice, 'invalid_decisions', 'decisions[0] (call r1) has unknown field message; an approval takes callId, approve, arguments.'],
      [[{ callId: 'r1', approve: true, arguments: [1] }], alice, 'invalid_decisions', 'decisions[0].arguments (call r1) must be an object of edited arguments, got [1].'],
      [[{ callId: 'r1', reject: true, message: 7 }], alice, 'invalid_decisions', 'decisions[0].message (call r1) must be a string of at most 2000 characters, got 7.'],
      [[{ callId: 'r1', approve: true }], bob, 'forbidden', `Run ${runId} belongs to another user: only the user who started it can decide its calls.`],
    ];
    for (const [decisions, options, code, message] of cases) {
      const error = await rejectionOf(runs.resume(agent, runId, decisions as never, options));
      expect(error, JSON.stringify(decisions)).to.be.instanceOf(RunDecisionError);
      expect({ code: error.code, message: error.message }).to.deep.equal({ code, message });
      expect(await store.load(runId)).to.deep.equal(before);
    }
    const unknown = await rejectionOf(runs.resume(agent, 'no-such-run', [{ callId: 'r1', approve: true }], alice));
    expect(unknown).to.include({ code: 'unknown_run', status: 404 });
    expect(unknown.message).to.equal('No run "no-such-run" waits for decisions: it never waited for approval, or it expired.');
    expect(paid).to.deep.equal([]);
    expect(server.requests).to.have.length(1);

    // Nothing was lost: the run still resumes.
    server.enqueue(reply.text('Refunded.'));
    await collect(await runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice));
    expect(paid).to.deep.equal(['alice A1 40']);
  });

  it('a stored state of another format version, or changed since it was signed, is state_unusable and stays stored', async () => {
    await start();
    const runId = await paused(['r1', 40]);
    const original = (await store.load(runId))!;
    const old: StoredRun = { ...original, revision: 'old', state: { ...original.state!, version: 0 } };
    expect(await store.save(runId, old, original.revision)).to.equal(true);
    const versionError = await rejectionOf(runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice));
    expect(versionError).to.include({ code: 'state_unusable', status: 409 });
    expect(versionError.message).to.equal(
      `Run ${runId} cannot be resumed by this server: This run state has format version 0; this version of chat-cmpl-stream-handler reads version 1. ` +
        'Resume it with the library version that wrote it, or start a new run from its messages.',
    );
    expect(versionError.cause).to.be.instanceOf(RunStateError);
    expect((await store.load(runId))!.state!.version).to.equal(0);

    // A forged approval written into the store is caught by the signature.
    const forged = structuredClone(original);
    forged.revision = 'forged';
    forged.state!.pending = forged.state!.pending.map((call) => ({ ...call, decision: { type: 'approve' } }));
    expect(await store.save(runId, forged, 'old')).to.equal(true);
    const signatureError = await rejectionOf(runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice));
    expect(signatureError).to.include({ code: 'state_unusable' });
    expect(signatureError.message).to.contain('was changed after it was signed');
    expect(paid).to.deep.equal([]);
  });

  it('a resumed run that fails keeps its last checkpoint: resuming that repeats no tool call', async () => {
    await start();
    const runId = await paused(['r1', 40]);
    server.enqueue(reply.httpError(500, { message: 'upstream exploded' }));
    const events = await collect(await runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice));
    expect(events.at(-1)!.type).to.equal('run.failed');
    const failed = (await store.load(runId))!;
    expect(failed).to.include({ status: 'failed' });
    expect(failed.error).to.contain('upstream exploded');
    const late = await rejectionOf(runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice));
    expect(late).to.include({ code: 'already_decided' });
    expect((await rejectionOf(runs.resume(agent, runId, [{ callId: 'r5', approve: true }], alice))).message).to.match(
      new RegExp(`^Run ${runId} failed after it was resumed \\(.*upstream exploded.*\\); it takes no decisions\\.`),
    );

    server.enqueue(reply.text('Refunded after all.'));
    const retried = await agent.run(RunState.fromJSON(failed.state, { signingKey: SIGNING_KEY }), { context: { userId: 'alice' } });
    expect(retried.finalContent).to.equal('Refunded after all.');
    expect(paid).to.deep.equal(['alice A1 40']);
  });

  it('a consumer that stops reading a resumed run early leaves it failed, with its last checkpoint', async () => {
    await start();
    const runId = await paused(['r1', 40]);
    server.enqueue(reply.text('a long answer', { chunkSize: 1, delayMs: 5 }));
    for await (const event of await runs.resume(agent, runId, [{ callId: 'r1', approve: true }], alice)) {
      if (event.type === 'tool_call.completed') break;
    }
    const record = (await store.load(runId))!;
    expect(record).to.include({ status: 'failed', error: 'The stream of the run was closed before the run ended.' });
    expect(paid).to.deep.equal(['alice A1 40']);
  });

  it('names a missing owner and a paused state passed to start(); owner and a typed context are required at compile time', async () => {
    await start();
    if (Math.random() > 2) {
      // @ts-expect-error the agent's context type is known: context is required
      runs.start(agent, 'hi', { owner: 'alice' });
      // @ts-expect-error owner is required
      runs.start(agent, 'hi', { context: { userId: 'alice' } });
      // @ts-expect-error the context is not a Caller
      await runs.resume(agent, 'run', [{ callId: 'c', approve: true }], { owner: 'alice', context: { userId: 7 } });
    }
    expect(() => runs.start(agent, 'hi', { context: { userId: 'x' } } as never)).to.throw(
      ChatToolsModuleError,
      'ChatRuns.start(): `owner` must be the id of the signed-in user (a non-empty string), got undefined.',
    );
    expect(() => runs.start(agent, { type: 'chat-cmpl-stream-handler/run-state' } as never, alice)).to.throw(ChatToolsModuleError, /Resume a paused run with ChatRuns.resume/);
    expect(await rejectionOf(runs.resume(agent, 'x', [], { owner: '' } as never))).to.be.instanceOf(ChatToolsModuleError);
  });
});

/** A store that keeps each record as JSON text, like Redis or a database column. */
@Injectable()
class JsonTextStore extends RunStateStore {
  readonly rows = new Map<string, string>();
  async load(runId: string): Promise<StoredRun | undefined> {
    const row = this.rows.get(runId);
    return row === undefined ? undefined : JSON.parse(row);
  }
  async save(runId: string, run: StoredRun, expectedRevision: string | undefined): Promise<boolean> {
    const current = this.rows.get(runId);
    if ((current === undefined ? undefined : JSON.parse(current).revision) !== expectedRevision) return false;
    this.rows.set(runId, JSON.stringify(run));
    return true;
  }
}

describe('nest: the runStateStore module option', () => {
  let server: ScriptedChatServer;
  let moduleRef: TestingModule | undefined;

  beforeEach(async () => {
    server = await ScriptedChatServer.start();
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    await server.close({ force: true });
  });

  it('provides an InMemoryRunStateStore by default', async () => {
    moduleRef = await startApp(server);
    expect(moduleRef.get(RunStateStore)).to.be.instanceOf(InMemoryRunStateStore);
  });

  it('takes a store class (instantiated by Nest) whose records are JSON text, and resumes runs across ChatRuns through it', async () => {
    moduleRef = await startApp(server, { imports: [PaymentsModule] }, { runStateStore: JsonTextStore, signingKey: SIGNING_KEY });
    const store = moduleRef.get(RunStateStore);
    expect(store).to.be.instanceOf(JsonTextStore);
    const agent = moduleRef.get(ChatAgents).create<Caller>({ tags: ['payments'] });
    server.enqueue(refundTurn(['r1', 40]), reply.text('Refunded.'));
    const paused = (await collect(moduleRef.get(ChatRuns).start(agent, 'refund', alice))).at(-1) as Extract<LifecycleEvent, { type: 'run.interrupted' }>;
    expect([...(store as JsonTextStore).rows.keys()]).to.deep.equal([paused.state.runId]);
    const events = await collect(await moduleRef.get(ChatRuns).resume(agent, paused.state.runId, [{ callId: 'r1', approve: true }], alice));
    expect(events.at(-1)!.type).to.equal('run.completed');
    expect(moduleRef.get(Payments).paid).to.deep.equal(['alice A1 40']);
  });

  it('takes a store instance', async () => {
    const store = new InMemoryRunStateStore({ ttlMs: 60_000 });
    moduleRef = await startApp(server, {}, { runStateStore: store });
    expect(moduleRef.get(RunStateStore)).to.equal(store);
  });

  it('refuses a value that is not a store, naming it', async () => {
    const error = await rejectionOf(compileApp(server, {}, { runStateStore: { load() {} } as never }));
    expect(error).to.be.instanceOf(ChatToolsModuleError);
    expect(error.message).to.equal(
      'ChatToolsModule.forRoot(): `runStateStore` must be a RunStateStore (an object with load() and save(), e.g. new InMemoryRunStateStore()) or a class implementing it, got an object.',
    );
    expect(() => new InMemoryRunStateStore({ ttlMs: 0 })).to.throw(ChatToolsModuleError, 'InMemoryRunStateStore: `ttlMs` must be a positive number of milliseconds, got 0.');
  });
});

describe('nest: InMemoryRunStateStore', () => {
  const record = (revision: string): StoredRun => ({ revision, status: 'waiting', owner: 'alice', decided: {}, updatedAt: 0 });

  it('saves only over the expected revision (undefined: nothing stored), and copies records in and out', async () => {
    const store = new InMemoryRunStateStore();
    expect(await store.save('run', record('r1'), 'r0')).to.equal(false);
    expect(await store.save('run', record('r1'), undefined)).to.equal(true);
    expect(await store.save('run', record('r2'), undefined)).to.equal(false);
    expect(await store.save('run', record('r2'), 'r1')).to.equal(true);
    const loaded = (await store.load('run'))!;
    expect(loaded.revision).to.equal('r2');
    loaded.owner = 'mallory';
    expect((await store.load('run'))!.owner).to.equal('alice');
    expect(await store.load('other')).to.equal(undefined);
  });

  it('forgets records ttlMs after their last save', async () => {
    const now = Date.now;
    let clock = 1_000_000;
    Date.now = () => clock;
    try {
      const store = new InMemoryRunStateStore({ ttlMs: 1000 });
      await store.save('old', record('a'), undefined);
      clock += 600;
      await store.save('new', record('b'), undefined);
      clock += 500;
      expect(await store.load('old')).to.equal(undefined);
      expect(await store.load('new')).to.not.equal(undefined);
      expect(store.size).to.equal(1);
      await store.save('new', record('c'), 'b');
      clock += 999;
      expect(store.size).to.equal(1);
    } finally {
      Date.now = now;
    }
  });
});
