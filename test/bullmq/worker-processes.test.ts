import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { LifecycleEvent, RunStateJSON } from 'chat-cmpl-stream-handler';
import { AgentQueue } from 'chat-cmpl-stream-handler/bullmq';
import { reply, ScriptedChatServer, toolCall, type RecordedRequest } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, sleep } from '../support/helpers.js';
import { RedisServer } from './support/redis-server.js';
import { WorkerProcess } from './support/worker-processes.js';

/** One ledger line per tool execution: `<runId>:<iteration>:<callId> <what> <pid>`. */
function readLedger(path: string): { key: string; what: string; pid: number }[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const parts = line.split(' ');
      return { key: parts[0]!, what: parts.slice(1, -1).join(' '), pid: Number(parts.at(-1)) };
    });
}

/**
 * The model of many concurrent runs: each request is answered from its own messages (a first turn
 * calls `record` with the user's words, a turn after the tool message answers with them), so replies
 * never cross between runs whatever order the requests arrive in.
 */
const routed = () =>
  reply.dynamic((request: RecordedRequest) => {
    const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
    const question = messages.find((m) => m.role === 'user')!.content;
    return messages.at(-1)!.role === 'tool' ? reply.text(`done: ${question}`, { chunkSize: 2 }) : reply.toolCalls(toolCall('record', { note: question }));
  });

describe('bullmq: workers in their own processes', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let model: ScriptedChatServer;
  let dir: string;
  let ledgerPath: string;
  let queue: AgentQueue;
  const workers: WorkerProcess[] = [];
  let queueCount = 0;

  const env = (name: string, extra: Record<string, string> = {}) => ({
    REDIS_PORT: String(redis.port),
    QUEUE: name,
    MODEL_URL: model.url,
    LEDGER: ledgerPath,
    ...extra,
  });
  const startWorker = async (name: string, extra: Record<string, string> = {}) => {
    const worker = await WorkerProcess.start(env(name, extra));
    workers.push(worker);
    return worker;
  };
  const newQueue = () => {
    const name = `procs-${++queueCount}`;
    queue = new AgentQueue({ connection: redis.connection, name });
    return name;
  };

  before(async () => {
    redis = await RedisServer.start();
    dir = mkdtempSync(join(tmpdir(), 'agent-queue-'));
  });
  after(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    model = await ScriptedChatServer.start();
    ledgerPath = join(dir, `ledger-${queueCount + 1}.txt`);
  });
  afterEach(async function () {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await queue?.close();
    await model.close({ force: true });
  });

  it('streams a run live to the enqueuing process while a worker process runs it', async () => {
    const name = newQueue();
    const worker = await startWorker(name);
    model.enqueue(reply.toolCalls(toolCall('slow', { ms: 20 }, { id: 'c1' })), reply.text('It took a while, but it is done.', { chunkSize: 4, delayMs: 2 }));
    const { runId } = await queue.enqueue('assistant', 'do the slow thing');
    const events = await collect(queue.events(runId));

    expect(events.filter((e) => e.type !== 'stream.event').map((e) => e.type)).to.deep.equal([
      'iteration.started',
      'iteration.completed',
      'tool_call.started',
      'tool_call.progress',
      'tool_call.completed',
      'iteration.started',
      'iteration.completed',
      'run.completed',
    ]);
    const progress = events.find((e) => e.type === 'tool_call.progress') as Extract<LifecycleEvent, { type: 'tool_call.progress' }>;
    expect(progress).to.deep.include({ progress: 1, total: 2, message: 'half way' });
    const text = events.flatMap((e) => (e.type === 'stream.event' && e.event.type === 'content.delta' ? [e.event] : []));
    expect(text.length).to.be.greaterThan(5);
    expect(text.at(-1)!.snapshot).to.equal('It took a while, but it is done.');
    expect(readLedger(ledgerPath).map((l) => [l.what, l.pid])).to.deep.equal([
      ['slow-start', worker.pid],
      ['slow-done', worker.pid],
    ]);
    expect((await queue.result(runId)).finalContent).to.equal('It took a while, but it is done.');
  });

  it('2 worker processes x 20 runs: every run runs exactly once, both workers take part, one reader follows all 20', async () => {
    const name = newQueue();
    const [a, b] = await Promise.all([startWorker(name, { CONCURRENCY: '3' }), startWorker(name, { CONCURRENCY: '3' })]);
    for (let i = 0; i < 40; i++) model.enqueue(routed());
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => queue.enqueue('assistant', `task ${i}`)));
    const streams = await Promise.all(runs.map(({ runId }) => collect(queue.events(runId))));
    const results = await Promise.all(runs.map(({ runId }) => queue.result(runId)));

    expect(results.map((r) => r.finalContent)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `done: task ${i}`));
    for (const [i, events] of streams.entries()) {
      expect(events.at(-1)!.type, `run ${i}`).to.equal('run.completed');
      expect(events.filter((e) => e.type === 'tool_call.completed'), `run ${i}`).to.have.length(1);
    }
    const ledger = readLedger(ledgerPath);
    expect(ledger).to.have.length(20);
    expect(new Set(ledger.map((l) => l.key)).size).to.equal(20);
    expect(ledger.map((l) => l.what).sort()).to.deep.equal(Array.from({ length: 20 }, (_, i) => `record task ${i}`).sort());
    const byWorker = new Set(ledger.map((l) => l.pid));
    expect(byWorker, `runs per worker: ${a.pid}, ${b.pid}`).to.deep.equal(new Set([a.pid, b.pid]));
    expect(model.requests).to.have.length(40);
  });

  it('a permanently failing run ends failed, once, without blocking the runs behind it', async () => {
    const name = newQueue();
    await startWorker(name);
    model.enqueue(reply.httpError(401, { message: 'Incorrect API key provided' }));
    for (let i = 0; i < 10; i++) model.enqueue(routed());
    const failing = await queue.enqueue('assistant', 'this one fails');
    const others = await Promise.all(Array.from({ length: 5 }, (_, i) => queue.enqueue('assistant', `after ${i}`)));
    const error = await rejectionOf(queue.result(failing.runId));
    expect(error.message).to.equal('401 Incorrect API key provided');
    expect(error.status).to.equal(401);
    const results = await Promise.all(others.map(({ runId }) => queue.result(runId)));
    expect(results.map((r) => r.finalContent)).to.deep.equal(Array.from({ length: 5 }, (_, i) => `done: after ${i}`));
    expect(model.requests).to.have.length(11);
    const job = await queue.queue.getJob(failing.runId);
    expect(await job!.getState()).to.equal('failed');
    expect(job!.attemptsMade).to.equal(1);
  });

  it('kill -9 of a worker while its tool runs: another worker completes the run; the finished call of that batch does not run again', async () => {
    const name = newQueue();
    // The worker that dies holds its runs' locks for 1.5 s; the one that takes over checks every 0.3 s.
    const doomed = await startWorker(name, { HANG_SLOW: '1', LOCK_MS: '1500', STALLED_MS: '300' });
    model.enqueue(reply.toolCalls([toolCall('record', { note: 'first' }, { id: 'c1' }), toolCall('slow', { ms: 10 }, { id: 'c2' })]), reply.text('All done.'));
    const { runId } = await queue.enqueue('assistant', 'record, then the slow thing');
    const events = queue.events(runId);

    // Kill once `record` finished and its checkpoint is stored while `slow` still runs.
    const inspect = new Redis(redis.connection);
    for (;;) {
      const state = await inspect.hget(`bull:${name}:agent-run:${runId}:meta`, 'state');
      const pending = state ? (JSON.parse(state) as RunStateJSON).pending : [];
      const started = readLedger(ledgerPath).some((l) => l.what === 'slow-start');
      if (started && pending.some((p) => p.id === 'c1' && p.result)) break;
      await sleep(20);
    }
    await inspect.quit();
    await doomed.kill();
    const rescuer = await startWorker(name, { STALLED_MS: '300' });

    const result = await queue.result(runId);
    expect(result.finalContent).to.equal('All done.');
    const ledger = readLedger(ledgerPath);
    expect(ledger.map((l) => [l.key, l.what, l.pid]), rescuer.errors).to.deep.equal([
      [`${runId}:0:c1`, 'record first', doomed.pid],
      [`${runId}:0:c2`, 'slow-start', doomed.pid],
      [`${runId}:0:c2`, 'slow-start', rescuer.pid],
      [`${runId}:0:c2`, 'slow-done', rescuer.pid],
    ]);
    // The model turn that asked for the calls is not sent again.
    expect(model.requests).to.have.length(2);
    expect(model.requests[1]!.body.messages.filter((m: { role: string }) => m.role === 'tool').map((m: { content: string }) => m.content)).to.deep.equal([
      'recorded first',
      'slow done',
    ]);
    const seen = await collect(events);
    expect(seen.filter((e) => e.type === 'tool_call.started').map((e) => (e as { toolCall: { id: string } }).toolCall.id)).to.deep.equal(['c1', 'c2', 'c2']);
    expect(seen.at(-1)!.type).to.equal('run.completed');
  });
});
