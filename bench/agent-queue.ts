/**
 * Agent runs through BullMQ (issue 17): 1,000 short runs over 4 worker processes against the same
 * runs in this process, on a redis-server of its own; the model is a ScriptedChatServer in another
 * process. Prints throughput (runs/s), CPU per run (workers + Redis + the enqueuing process, against
 * the in-process run's), the latency of one run at a time, and a 20k-delta answer streamed through
 * the queue. Needs `redis-server` (scripts/ci/ensure-redis.sh installs it); skipped without it.
 *
 *   BENCH_ONLY=queue npm run bench      QUEUE_RUNS=1000 QUEUE_WORKERS=4 QUEUE_CONCURRENCY=4
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { Agent, type LifecycleEvent } from 'chat-cmpl-stream-handler';
import { AgentQueue } from 'chat-cmpl-stream-handler/bullmq';
import { RedisServer } from '../test/bullmq/support/redis-server.js';
import { LONG_ANSWER_DELTAS, shortRunTools } from './agent-queue-script.js';

const RUNS = Number(process.env['QUEUE_RUNS'] ?? 1_000);
const WORKERS = Number(process.env['QUEUE_WORKERS'] ?? 4);
const CONCURRENCY = Number(process.env['QUEUE_CONCURRENCY'] ?? 4);
const LATENCY_RUNS = 50;
const WARMUP_RUNS = 200;
const QUEUE = 'bench';
const CHILD = fileURLToPath(new URL('./agent-queue-process.js', import.meta.url));

interface Measured {
  wallMs: number;
  cpuMs: number;
}

export async function runAgentQueueBench(): Promise<void> {
  if (spawnSync('redis-server', ['--version']).error) {
    console.log('\nagent queue: skipped, redis-server is not installed (scripts/ci/ensure-redis.sh installs it)');
    return;
  }
  const redis = await RedisServer.start();
  const children: ChildProcess[] = [];
  const start = async (mode: string, env: Record<string, string> = {}) => {
    const child = fork(CHILD, [mode], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    return { child, first: await nextMessage<Record<string, any>>(child) };
  };
  try {
    const { child: model, first } = await start('model');
    const url = first['url'] as string;
    const ask = async (message: object) => {
      model.send(message);
      await nextMessage(model);
    };
    const total = WORKERS * CONCURRENCY;
    const startWorkers = (queue: string, count: number, concurrency: number) =>
      Promise.all(
        Array.from({ length: count }, () => start('worker', { REDIS_PORT: String(redis.port), QUEUE: queue, MODEL_URL: url, CONCURRENCY: String(concurrency) })),
      ).then((started) => started.map(({ child }) => child));
    // The scenario of the issue, and the same total concurrency in one worker process (to tell the
    // queue's own cost from that of more processes than cores).
    const workers = await startWorkers(QUEUE, WORKERS, CONCURRENCY);
    const single = await startWorkers(`${QUEUE}-single`, 1, total);
    const agent = new Agent({ client: new OpenAI({ apiKey: 'bench', baseURL: url, maxRetries: 0 }), model: 'bench-model', tools: shortRunTools() });
    const queue = new AgentQueue({ connection: redis.connection, name: QUEUE });
    const singleQueue = new AgentQueue({ connection: redis.connection, name: `${QUEUE}-single` });
    const stats = new Redis(redis.connection);
    const inProcess = (i: number) => agent.run(`task ${i}`).then((r) => check(r.finalContent, i));
    const through = (target: AgentQueue) => async (i: number) => {
      const { runId } = await target.enqueue('bench', `task ${i}`);
      check((await target.result(runId)).finalContent, i);
    };
    const queued = through(queue);
    const measureQueue = async (target: AgentQueue, processes: ChildProcess[]) => {
      await ask({ runs: RUNS });
      const workersBefore = await workerCpu(processes);
      const redisBefore = await redisCpu(stats);
      const measured = await measure(() => pool(RUNS, total, through(target)));
      const workersMs = (await workerCpu(processes)) - workersBefore;
      const redisMs = (await redisCpu(stats)) - redisBefore;
      return { ...measured, workersMs, redisMs, totalCpuMs: workersMs + redisMs + measured.cpuMs };
    };

    await ask({ runs: WARMUP_RUNS * 3 });
    await pool(WARMUP_RUNS, total, inProcess);
    await pool(WARMUP_RUNS, total, queued);
    await pool(WARMUP_RUNS, total, through(singleQueue));

    await ask({ runs: RUNS });
    const local = await measure(() => pool(RUNS, total, inProcess));
    const remote = await measureQueue(queue, workers);
    const oneProcess = await measureQueue(singleQueue, single);

    await ask({ runs: LATENCY_RUNS * 2 });
    const localLatency = await latencies(LATENCY_RUNS, inProcess);
    const remoteLatency = await latencies(LATENCY_RUNS, queued);

    await ask({ long: true });
    const longLocal = await measure(async () => readAnswer(agent.stream('talk', { streamEvents: ['content.delta'] })));
    await ask({ long: true });
    let entries = 0;
    const longRemote = await measure(async () => {
      const { runId } = await queue.enqueue('bench', 'talk');
      await readAnswer(queue.events(runId));
      entries = await stats.xlen(`bull:${QUEUE}:agent-run:${runId}:events`);
    });

    const rate = (m: Measured) => (RUNS / m.wallMs) * 1000;
    const perRun = (ms: number) => (ms / RUNS).toFixed(2);
    const row = (label: string, m: Measured, cpuMs: number, detail = '') =>
      console.log(`  ${label.padEnd(44)} ${m.wallMs.toFixed(0).padStart(9)} ${rate(m).toFixed(0).padStart(8)} ${perRun(cpuMs).padStart(11)}${detail}`);
    const parts = (m: typeof remote) => `  (workers ${perRun(m.workersMs)}, redis ${perRun(m.redisMs)}, enqueuer ${perRun(m.cpuMs)})`;
    console.log(`\nagent queue (BullMQ ${bullmqVersion()}, local redis-server): ${RUNS} short runs, each 2 model requests + 1 tool call, ${total} at a time`);
    console.log(`  ${'case'.padEnd(44)} ${'wall ms'.padStart(9)} ${'runs/s'.padStart(8)} ${'CPU ms/run'.padStart(11)}`);
    row('in-process (baseline)', local, local.cpuMs);
    row(`queue, ${WORKERS} worker processes × ${CONCURRENCY}`, remote, remote.totalCpuMs, parts(remote));
    row(`queue, 1 worker process × ${total}`, oneProcess, oneProcess.totalCpuMs, parts(oneProcess));
    for (const [label, m] of [[`${WORKERS} workers`, remote], ['1 worker', oneProcess]] as const) {
      console.log(
        `  ${label}: throughput / in-process ${(rate(m) / rate(local)).toFixed(3)}; CPU per run / in-process ${(m.totalCpuMs / local.cpuMs).toFixed(3)} (+${perRun(m.totalCpuMs - local.cpuMs)} ms per run)`,
      );
    }
    console.log(`  on ${availableParallelism()} cores, shared by the worker processes, redis-server, the model server and this process`);
    console.log(
      `  latency of one run at a time (median of ${LATENCY_RUNS}): in-process ${median(localLatency).toFixed(1)} ms, queue ${median(remoteLatency).toFixed(1)} ms (+${(median(remoteLatency) - median(localLatency)).toFixed(1)} ms per run)`,
    );
    console.log(
      `  a ${LONG_ANSWER_DELTAS / 1000}k-delta answer: in-process stream ${longLocal.wallMs.toFixed(0)} ms; enqueue to last delta at a reader ${longRemote.wallMs.toFixed(0)} ms, in ${entries} stream entries`,
    );
    await Promise.all([queue.close(), singleQueue.close(), stats.quit()]);
    await ask({ stop: true }).catch(() => {});
  } finally {
    for (const child of children) {
      if (child.connected) child.send({ stop: true });
    }
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await redis.stop();
  }
}

function check(content: string | null, i: number): void {
  if (content !== `Done: task ${i}, all good.`) throw new Error(`run ${i} answered ${JSON.stringify(content)}`);
}

async function readAnswer(events: AsyncIterable<LifecycleEvent>): Promise<void> {
  let text = '';
  for await (const event of events) if (event.type === 'stream.event' && event.event.type === 'content.delta') text = event.event.snapshot;
  if (text.length !== LONG_ANSWER_DELTAS * 4) throw new Error(`the long answer arrived with ${text.length} characters`);
}

async function measure(work: () => Promise<unknown>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Runs `count` tasks, `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function latencies(count: number, task: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await task(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function workerCpu(workers: ChildProcess[]): Promise<number> {
  const answers = await Promise.all(
    workers.map((worker) => {
      const answer = nextMessage<{ cpuMs: number }>(worker);
      worker.send({ cpu: true });
      return answer;
    }),
  );
  return answers.reduce((sum, { cpuMs }) => sum + cpuMs, 0);
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const seconds = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(info)![1]);
  return (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function nextMessage<T = unknown>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a benchmark process exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

function bullmqVersion(): string {
  return (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runAgentQueueBench();
}
