import { expect } from 'chai';
import { Redis } from 'ioredis';
import {
  Agent,
  FunctionTool,
  MaxIterationsReached,
  RunError,
  RunState,
  type ContentDeltaEvent,
  type LifecycleEvent,
  type RunInterruptedEvent,
  type StreamResult,
} from 'chat-cmpl-stream-handler';
import { AgentQueue, AgentQueueError, AgentWorker } from 'chat-cmpl-stream-handler/bullmq';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf } from '../support/helpers.js';
import { RedisServer } from './support/redis-server.js';

/** A ledger of tool executions, the side effect that must happen once. */
function orderTools() {
  const executions: string[] = [];
  const lookup = new FunctionTool({
    name: 'lookup',
    execute: ({ order }: { order: string }, context: { tenant?: string } | undefined) => {
      executions.push(`lookup ${order} for ${context?.tenant ?? 'nobody'}`);
      return `order ${order}: shipped`;
    },
  });
  const refund = new FunctionTool({
    name: 'refund',
    needsApproval: true,
    execute: ({ order }: { order: string }) => {
      executions.push(`refund ${order}`);
      return `refunded ${order}`;
    },
  });
  return { executions, lookup, refund };
}

const deltas = (events: readonly LifecycleEvent[]) =>
  events.filter((e): e is LifecycleEvent & { type: 'stream.event'; event: ContentDeltaEvent } => e.type === 'stream.event' && e.event.type === 'content.delta').map((e) => e.event);

describe('bullmq: AgentQueue and AgentWorker (one process, real Redis)', function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let server: ScriptedChatServer;
  let name: string;
  const closers: (() => Promise<unknown>)[] = [];
  let queueCount = 0;

  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    name = `agents-${++queueCount}`;
    server = await ScriptedChatServer.start();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await server.close({ force: true });
  });

  const queue = (options: Partial<ConstructorParameters<typeof AgentQueue>[0]> = {}) => {
    const created = new AgentQueue({ connection: redis.connection, name, defaultJobOptions: { backoff: { type: 'fixed', delay: 50 } }, ...options });
    closers.push(() => created.close());
    return created;
  };
  const worker = (agents: Record<string, Agent>, options: Partial<ConstructorParameters<typeof AgentWorker>[0]> = {}) => {
    const created = new AgentWorker({ connection: redis.connection, name, agents, ...options });
    closers.push(() => created.close());
    return created;
  };
  const agent = (tools: FunctionTool<any, any>[], options: Partial<ConstructorParameters<typeof Agent>[0]> = {}) =>
    new Agent({ client: server.client({ maxRetries: 0 }), model: 'm', tools, ...options });

  it('runs an enqueued run in the worker; another queue object follows its events live and reads its result', async () => {
    const { executions, lookup } = orderTools();
    server.enqueue(reply.toolCalls(toolCall('lookup', { order: 'A1' }, { id: 'c1' })), reply.text('Your order A1 has shipped.', { chunkSize: 3 }));
    worker({ support: agent([lookup]) });
    const producer = queue();
    const follower = queue();
    const { runId } = await producer.enqueue('support', 'Where is A1?', { context: { tenant: 'acme' } });
    const events = await collect(follower.events(runId));
    const result = await follower.result(runId);

    expect(executions).to.deep.equal(['lookup A1 for acme']);
    expect(events.filter((e) => e.type !== 'stream.event').map((e) => e.type)).to.deep.equal([
      'iteration.started',
      'iteration.completed',
      'tool_call.started',
      'tool_call.completed',
      'iteration.started',
      'iteration.completed',
      'run.completed',
    ]);
    const texts = deltas(events);
    expect(texts.map((d) => d.delta).join('')).to.equal('Your order A1 has shipped.');
    expect(texts.at(-1)!.snapshot).to.equal('Your order A1 has shipped.');
    expect(texts[1]!.snapshot).to.equal(texts[0]!.delta + texts[1]!.delta);
    const completed = events.find((e) => e.type === 'tool_call.completed') as Extract<LifecycleEvent, { type: 'tool_call.completed' }>;
    expect(completed.result.content).to.equal('order A1: shipped');
    expect(completed.toolCall.id).to.equal('c1');

    expect(result.finalContent).to.equal('Your order A1 has shipped.');
    expect(result.usages).to.have.length(2);
    expect(result.toInputList().map((m) => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'assistant']);
    expect((events.at(-1) as { result: StreamResult }).result.messages).to.deep.equal(result.messages);
    expect(result.interrupted).to.equal(false);
  });

  it('an interrupted run parks with its state; enqueueing the decided state resumes it under the same run id', async () => {
    const { executions, lookup, refund } = orderTools();
    const signingKey = 'shared-secret';
    server.enqueue(reply.toolCalls([toolCall('lookup', { order: 'A1' }, { id: 'c1' }), toolCall('refund', { order: 'A1' }, { id: 'c2' })]), reply.text('Refunded.'));
    worker({ support: agent([lookup, refund], { signingKey }) });
    const agents = queue({ signingKey });
    const { runId } = await agents.enqueue('support', 'Refund A1');
    const events = await collect(agents.events(runId));
    const interrupted = events.at(-1) as RunInterruptedEvent;
    expect(interrupted.type).to.equal('run.interrupted');
    expect(interrupted.interruptions.map((i) => i.toolName)).to.deep.equal(['refund']);
    const parked = await agents.result(runId);
    expect(parked.interrupted).to.equal(true);
    expect(executions).to.deep.equal(['lookup A1 for nobody']);

    // The state may travel through a browser and back: JSON, signed.
    const decided = RunState.fromJSON(JSON.parse(JSON.stringify(parked.state)), { signingKey }).approve('c2');
    const resumed = await agents.enqueue('support', decided);
    expect(resumed.runId).to.equal(runId);
    const rejected = await rejectionOf(agents.enqueue('support', decided));
    expect(rejected).to.be.instanceOf(AgentQueueError);
    expect(rejected.message).to.match(/still queued or running/);
    const done = await agents.result(runId);
    expect(done.finalContent).to.equal('Refunded.');
    expect(executions).to.deep.equal(['lookup A1 for nobody', 'refund A1']);
    expect(server.requests).to.have.length(2);
  });

  it('a transient model error is retried after the backoff from the last checkpoint: no model request and no tool call is repeated', async () => {
    const { executions, lookup } = orderTools();
    server.enqueue(reply.toolCalls(toolCall('lookup', { order: 'A1' }, { id: 'c1' })), reply.httpError(503, { message: 'overloaded' }), reply.text('Shipped.'));
    worker({ support: agent([lookup]) });
    const agents = queue();
    const { runId } = await agents.enqueue('support', 'Where is A1?');
    const events = agents.events(runId);
    const result = await agents.result(runId);
    expect(result.finalContent).to.equal('Shipped.');
    expect(executions).to.deep.equal(['lookup A1 for nobody']);
    // Request 1 (tool call), request 2 (503), request 2 again (the answer): the first is not sent again.
    expect(server.requests).to.have.length(3);
    expect(server.requests[2]!.body.messages.map((m: { role: string }) => m.role)).to.deep.equal(['user', 'assistant', 'tool']);
    const seen = await collect(events);
    expect(seen.filter((e) => e.type === 'iteration.started').map((e) => (e as { index: number }).index)).to.deep.equal([0, 1, 1]);
    expect(seen.filter((e) => e.type === 'run.failed')).to.deep.equal([]);
    expect(seen.at(-1)!.type).to.equal('run.completed');
  });

  it('a permanent failure fails the run at once with its error rebuilt, and the queue goes on with the next run', async () => {
    const { lookup } = orderTools();
    server.enqueue(reply.httpError(400, { message: 'bad tool schema', code: 'invalid_schema' }), reply.text('fine'));
    const bullWorker = worker({ support: agent([lookup]) }).worker;
    const failedAttempts: number[] = [];
    bullWorker.on('failed', (job) => failedAttempts.push(job!.attemptsMade));
    const agents = queue();
    const bad = await agents.enqueue('support', 'hi');
    const good = await agents.enqueue('support', 'hi again');
    const error = await rejectionOf(agents.result(bad.runId));
    expect(error).to.be.instanceOf(Error);
    expect(error.message).to.equal('400 bad tool schema');
    expect(error.status).to.equal(400);
    expect(error.code).to.equal('invalid_schema');
    expect(error.messages).to.deep.equal([{ role: 'user', content: 'hi' }]);
    expect((await agents.result(good.runId)).finalContent).to.equal('fine');
    expect(failedAttempts).to.deep.equal([1]);
    const events = await collect(agents.events(bad.runId));
    expect(events.map((e) => e.type)).to.deep.equal(['iteration.started', 'run.failed']);
  });

  it("rebuilds the library's errors so that instanceof and their fields work; an agent no worker knows fails the run", async () => {
    const { lookup } = orderTools();
    server.enqueue(reply.toolCalls(toolCall('lookup', { order: 'A1' })));
    worker({ support: agent([lookup], { maxIterations: 1 }) });
    const agents = queue();
    const { runId } = await agents.enqueue('support', 'loop');
    const error = await rejectionOf(agents.result(runId));
    expect(error).to.be.instanceOf(MaxIterationsReached);
    expect(error).to.be.instanceOf(RunError);
    expect(error.name).to.equal('MaxIterationsReached');
    expect(error.maxIterations).to.equal(1);
    expect(error.messages.map((m: { role: string }) => m.role)).to.deep.equal(['user', 'assistant', 'tool']);
    expect(error.stack).to.contain('MaxIterationsReached');

    const unknown = await agents.enqueue('billing', 'hi');
    const refused = await rejectionOf(agents.result(unknown.runId));
    expect(refused).to.be.instanceOf(AgentQueueError);
    expect(refused.message).to.equal(`No agent named "billing" on this worker of queue "${name}"; it runs "support".`);
  });

  it('refuses what cannot travel or does not exist, naming it', async () => {
    const agents = queue();
    class Session {
      userId = 'u1';
    }
    const dated = await rejectionOf(agents.enqueue('support', 'hi', { context: { since: new Date(0) } }));
    expect(dated).to.be.instanceOf(AgentQueueError);
    expect(dated.message).to.contain('the context travels to the worker as JSON, but context.since is a Date (not a plain object)');
    expect((await rejectionOf(agents.enqueue('support', 'hi', { context: new Session() }))).message).to.contain('context is a Session');
    expect((await rejectionOf(agents.enqueue('support', 'hi', { context: { fn: () => 1 } }))).message).to.contain('context.fn is a function');
    expect((await rejectionOf(agents.enqueue('support', 'hi', { runId: 'a:b' }))).message).to.contain("without ':'");
    expect((await rejectionOf(agents.enqueue('', 'hi'))).message).to.contain('agent name must be a non-empty string');
    const missing = await rejectionOf(agents.result('no-such-run'));
    expect(missing).to.be.instanceOf(AgentQueueError);
    expect(missing.message).to.equal(`Queue "${name}" has no run no-such-run: it was never enqueued here, or it ended longer ago than the workers' resultTtlMs.`);
    expect((await rejectionOf(collect(agents.events('no-such-run')))).message).to.contain('has no run no-such-run');
    expect(() => new AgentWorker({ connection: redis.connection, name, agents: {} })).to.throw(AgentQueueError, /at least one agent/);
    expect(() => new AgentWorker({ connection: redis.connection, name, agents: { a: agent([]) }, streamEvents: ['chunk'] })).to.throw(AgentQueueError, /chunk/);
    expect(() => new AgentQueue({ connection: redis.connection, name: 'a:b' })).to.throw(AgentQueueError, /without ':'/);
  });

  it('the same run id enqueued twice runs once; events: the enqueuer sees the whole run, a late reader its terminal event', async () => {
    server.enqueue(reply.text('once'));
    worker({ support: agent([]) });
    const agents = queue();
    const first = await agents.enqueue('support', 'hi', { runId: 'request-42' });
    const second = await agents.enqueue('support', 'hi', { runId: 'request-42' });
    expect(second.runId).to.equal(first.runId);
    expect((await agents.result('request-42')).finalContent).to.equal('once');
    // The run is over before anybody reads its events: the queue that enqueued it still gets all of them, once.
    const whole = await collect(agents.events('request-42'));
    expect(whole.filter((e) => e.type !== 'stream.event').map((e) => e.type)).to.deep.equal(['iteration.started', 'iteration.completed', 'run.completed']);
    expect((await collect(agents.events('request-42'))).map((e) => e.type)).to.deep.equal(['run.completed']);
    expect((await collect(queue().events('request-42'))).map((e) => e.type)).to.deep.equal(['run.completed']);
    expect(server.requests).to.have.length(1);
  });

  it('a reader that joins in the middle of an answer gets deltas whose snapshot holds the whole text so far', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `w${i} `).join('');
    server.enqueue(reply.text(text, { chunkSize: 3, delayMs: 3 }));
    worker({ support: agent([]) }, { eventBatchMs: 0 });
    const agents = queue();
    const { runId } = await agents.enqueue('support', 'talk');
    const early = agents.events(runId)[Symbol.asyncIterator]();
    // Wait until a good part of the answer has been published, then join.
    let seen = '';
    while (seen.length < 60) {
      const { value } = await early.next();
      if (value?.type === 'stream.event' && value.event.type === 'content.delta') seen = value.event.snapshot;
    }
    const late = deltas(await collect(agents.events(runId)));
    expect(late.length).to.be.greaterThan(0);
    expect(late[0]!.snapshot.length).to.be.greaterThan(late[0]!.delta.length);
    expect(text.startsWith(late[0]!.snapshot)).to.equal(true);
    expect(late.at(-1)!.snapshot).to.equal(text);
    await early.return?.();
  });

  it('a 20k-delta answer travels in a few dozen stream entries, every delta and snapshot intact', async () => {
    const text = 'abcd'.repeat(20_000);
    server.enqueue(reply.text(text, { chunkSize: 4 }));
    worker({ support: agent([]) });
    const agents = queue();
    const { runId } = await agents.enqueue('support', 'talk');
    const events = await collect(agents.events(runId));
    const received = deltas(events);
    expect(received).to.have.length(20_000);
    expect(received.at(-1)!.snapshot).to.equal(text);
    const inspect = new Redis(redis.connection);
    const entries = await inspect.xlen(`bull:${name}:agent-run:${runId}:events`);
    await inspect.quit();
    expect(entries).to.be.lessThan(100);
  });

  it('a run whose worker died after its last model turn but before recording the outcome completes from its checkpoint, without a request', async () => {
    server.enqueue(reply.text('All done.'));
    const finished = await collect(agent([]).stream('hi', { runId: 'died-at-the-end' }));
    const last = finished.filter((e) => e.type === 'run.checkpoint').at(-1) as Extract<LifecycleEvent, { type: 'run.checkpoint' }>;
    expect(last.state.next).to.equal('finished');
    // What the dead worker left behind: its job's last checkpoint, still marked running.
    const inspect = new Redis(redis.connection);
    await inspect.hset(`bull:${name}:agent-run:died-at-the-end:meta`, { job: 'died-at-the-end', running: 1, recoveries: 0, state: JSON.stringify(last.state) });
    await inspect.quit();
    worker({ support: agent([]) });
    const agents = queue();
    await agents.enqueue('support', 'hi', { runId: 'died-at-the-end' });
    const result = await agents.result('died-at-the-end');
    expect(result.finalContent).to.equal('All done.');
    expect(server.requests).to.have.length(1);
  });

  it('a run that keeps killing its workers fails after maxRecoveries take-overs instead of taking down the next worker', async () => {
    const inspect = new Redis(redis.connection);
    // Two take-overs so far, and its worker died again while running it.
    await inspect.hset(`bull:${name}:agent-run:poison:meta`, { job: 'poison', running: 1, recoveries: 2 });
    await inspect.quit();
    worker({ support: agent([]) }, { maxRecoveries: 2 });
    const agents = queue();
    await agents.enqueue('support', 'hi', { runId: 'poison' });
    const error = await rejectionOf(agents.result('poison'));
    expect(error).to.be.instanceOf(AgentQueueError);
    expect(error.message).to.equal('Run poison was taken over 3 times after its worker died while running it (killed, out of memory, or its lock expired); maxRecoveries is 2.');
    expect(server.requests).to.have.length(0);
  });

  it('closing the queue ends its waiting result() and events() with an error that says so', async () => {
    const agents = new AgentQueue({ connection: redis.connection, name });
    const { runId } = await agents.enqueue('support', 'nobody runs this');
    const waiting = rejectionOf(agents.result(runId));
    const following = rejectionOf(collect(agents.events(runId)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await agents.close();
    expect((await waiting).message).to.equal(`AgentQueue "${name}" was closed while waiting for the result of run ${runId}.`);
    expect((await following).message).to.equal(`AgentQueue "${name}" was closed while following run ${runId}.`);
    expect(() => agents.events(runId)).to.throw(AgentQueueError, /is closed/);
  });

  it('close({ timeoutMs: 0 }) hands a running run back to the queue; another worker goes on from its last checkpoint', async () => {
    const executions: string[] = [];
    let release: () => void = () => {};
    const slow = new FunctionTool({
      name: 'slow',
      execute: async (_args: object, _context: unknown, { signal }) => {
        executions.push('slow');
        await new Promise<void>((resolve, reject) => {
          release = resolve;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        return 'slow done';
      },
    });
    const quick = new FunctionTool({ name: 'quick', execute: () => (executions.push('quick'), 'quick done') });
    server.enqueue(reply.toolCalls([toolCall('quick', {}, { id: 'q' }), toolCall('slow', {}, { id: 's' })]), reply.text('both'));
    const first = new AgentWorker({ connection: redis.connection, name, agents: { support: agent([quick, slow]) } });
    const agents = queue();
    const { runId } = await agents.enqueue('support', 'go');
    for await (const event of agents.events(runId)) if (event.type === 'tool_call.started' && event.toolCall.id === 's') break;
    await first.close({ timeoutMs: 0 });
    const second = worker({ support: agent([quick, slow]) });
    await second.waitUntilReady();
    while (executions.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect((await agents.result(runId)).finalContent).to.equal('both');
    expect(executions).to.deep.equal(['quick', 'slow', 'slow']);
    expect(server.requests).to.have.length(2);
  });
});
