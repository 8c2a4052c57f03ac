/**
 * `npm run bench`: CPU and wall time of the engine against the OpenAI SDK's own helpers on the same
 * scripted streams, served from another process. Prints ratios measured in this run; targets from
 * DESIGN.md are shown next to them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { ChatCompletionStreamHandler, FunctionTool, streamUntilUserInput, streamUntilUserInputEvents, HOOK_METHOD_NAMES } from './bench-support.js';
import { LOOP_ITERATIONS } from './scenarios.js';
import { runSchemaBuildBench } from './schema-build.js';
import { runLoopControlBench } from './loop-control.js';
import { runTelemetryBench } from './telemetry.js';

const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 11);
/** `BENCH_ONLY=text,loop` runs only those sections. */
const ONLY = process.env['BENCH_ONLY']?.split(',');
const wanted = (section: string) => !ONLY || ONLY.includes(section);
const WARMUP_ROUNDS = 2;
const model = 'bench-model';
const usage = { include_usage: true } as const;

interface Sample {
  cpuMs: number;
  wallMs: number;
}

class AllHooks extends ChatCompletionStreamHandler {}
for (const name of HOOK_METHOD_NAMES) {
  // A real (non-inherited) no-op on every hook, so the engine dispatches every event.
  (AllHooks.prototype as any)[name] = async function () {};
}

/** Twenty handlers on `content.delta`, as a UI fanning tokens out to several sinks would have. */
const twentyHandlers = (hook: () => unknown) => Array.from({ length: 20 }, () => ({ onContentDelta: hook }));

async function main() {
  const child = fork(fileURLToPath(new URL('./server-process.js', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await nextMessage<{ url: string }>(child);
  const client = new OpenAI({ apiKey: 'bench', baseURL: url, maxRetries: 0 });
  const enqueue = async (scenario: string) => {
    child.send({ scenario });
    await nextMessage(child);
  };
  const messages = [{ role: 'user' as const, content: 'Tell me everything.' }];

  const text = {
    'raw create + for await (floor)': async () => {
      const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: usage });
      for await (const _chunk of stream);
    },
    'SDK helper chat.completions.stream (baseline)': async () => {
      await client.chat.completions.stream({ model, messages, stream_options: usage }).finalChatCompletion();
    },
    'engine, no-op handler': async () => {
      await streamUntilUserInput({ client, model, messages, streamHandler: new ChatCompletionStreamHandler() });
    },
    'engine, handler on every hook': async () => {
      await streamUntilUserInput({ client, model, messages, streamHandler: new AllHooks() });
    },
    'engine, 20 sync onContentDelta handlers': async () => {
      await streamUntilUserInput({ client, model, messages, streamHandler: twentyHandlers(() => {}) });
    },
    'engine, 20 async onContentDelta handlers': async () => {
      await streamUntilUserInput({ client, model, messages, streamHandler: twentyHandlers(async () => {}) });
    },
    // What a user writes by hand without this library: the same 20 async handlers, awaited in turn on every text chunk.
    'hand-written: raw for await, 20 async handlers awaited in turn': async () => {
      const handlers = Array.from({ length: 20 }, () => async (_delta: string) => {});
      const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: usage });
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) for (const handler of handlers) await handler(delta);
      }
    },
    // The SDK's own async iteration: its helper read with for await (chunks), no listeners.
    'SDK helper read with for await': async () => {
      for await (const _chunk of client.chat.completions.stream({ model, messages, stream_options: usage }));
    },
    'events generator, reading content.delta': async () => {
      let text = '';
      for await (const event of streamUntilUserInputEvents({ client, model, messages, streamEvents: ['content.delta'] })) {
        if (event.type === 'stream.event' && event.event.type === 'content.delta') text += event.event.delta;
      }
    },
  };
  if (wanted('text')) {
    const textResults = await measure('text', text, enqueue);
    report(`20k-chunk text answer (median of ${REPEATS})`, textResults, 'SDK helper chat.completions.stream (baseline)', [
      ['engine, no-op handler', 'SDK helper chat.completions.stream (baseline)', 1.1],
      ['engine, handler on every hook', 'engine, no-op handler', 1.2],
      ['engine, 20 sync onContentDelta handlers', 'SDK helper chat.completions.stream (baseline)', 1.1],
      ['engine, 20 async onContentDelta handlers', 'SDK helper chat.completions.stream (baseline)', 1.1],
      ['engine, 20 async onContentDelta handlers', 'hand-written: raw for await, 20 async handlers awaited in turn', 1.1],
      ['events generator, reading content.delta', 'SDK helper chat.completions.stream (baseline)', 1.1],
      ['events generator, reading content.delta', 'SDK helper read with for await', 1.1],
    ]);
  }

  const parameters = { type: 'object', properties: { i: { type: 'number' }, note: { type: 'string' } }, required: ['i', 'note'], additionalProperties: false };
  const step = new FunctionTool({ name: 'step', parameters, execute: ({ i }: { i: number }) => `step ${i} done` });
  const loop = {
    'SDK runTools (stream: true) (baseline)': async () => {
      const runner = client.chat.completions.runTools({
        model,
        messages,
        stream: true,
        stream_options: usage,
        tools: [{ type: 'function', function: { name: 'step', description: 'step', parameters, parse: JSON.parse, function: ({ i }: { i: number }) => `step ${i} done` } }],
      } as any, { maxChatCompletions: LOOP_ITERATIONS + 2 });
      await runner.finalChatCompletion();
    },
    'engine, no-op handler': async () => {
      await streamUntilUserInput({ client, model, messages, tools: [step], maxIterations: LOOP_ITERATIONS + 2, streamHandler: new ChatCompletionStreamHandler() });
    },
    'engine, handler on every hook': async () => {
      await streamUntilUserInput({ client, model, messages, tools: [step], maxIterations: LOOP_ITERATIONS + 2, streamHandler: new AllHooks() });
    },
  };
  if (wanted('loop')) {
  const loopResults = await measure('loop', loop, enqueue);
  report(`tool loop: ${LOOP_ITERATIONS} iterations, args in ~100 fragments each, then a 5k-chunk answer (median of ${REPEATS})`, loopResults, 'SDK runTools (stream: true) (baseline)', [
    ['engine, no-op handler', 'SDK runTools (stream: true) (baseline)', 1.1],
  ]);
  }

  const slow = new FunctionTool({ name: 'slow', execute: () => new Promise((resolve) => setTimeout(() => resolve('ok'), 200)) });
  const parallel = {
    'one 200 ms call alone': async () => {
      await slow.invoke({ id: 'x', type: 'function', function: { name: 'slow', arguments: '{}' } }, undefined, { signal: new AbortController().signal, iteration: 0 });
    },
    'engine, 8 calls of 200 ms in one message (whole run)': async () => {
      await streamUntilUserInput({ client, model, messages, tools: [slow] });
    },
  };
  if (wanted('parallel')) {
  const parallelResults = medians(await measure('parallel', parallel, enqueue, ['engine, 8 calls of 200 ms in one message (whole run)']));
  const one = parallelResults['one 200 ms call alone']!.wallMs;
  const eight = parallelResults['engine, 8 calls of 200 ms in one message (whole run)']!.wallMs;
  console.log(`\n8 parallel calls of 200 ms (median of ${REPEATS}): one call ${one.toFixed(1)} ms, whole run with 8 calls ${eight.toFixed(1)} ms`);
  console.log(`  wall ratio 8 calls / 1 call: ${(eight / one).toFixed(3)}  (target ≤ 1.20)`);
  }

  if (wanted('telemetry')) await runTelemetryBench({ client, enqueue, measure, report });
  child.send({ stop: true });
  await runSchemaBuildBench(REPEATS);
  if (wanted('loopcontrol')) await runLoopControlBench(REPEATS);
  if (wanted('queue')) await (await import('./agent-queue.js')).runAgentQueueBench();
}

async function measure(
  scenario: string,
  cases: Record<string, () => Promise<void>>,
  enqueue: (scenario: string) => Promise<void>,
  needsServer: string[] = Object.keys(cases),
): Promise<Record<string, Sample[]>> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  const names = Object.keys(cases);
  // warm-up rounds, then interleaved measured rounds so drift hits every case alike
  for (let round = -WARMUP_ROUNDS; round < REPEATS; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      if (needsServer.includes(name)) await enqueue(scenario);
      if (process.env['BENCH_VERBOSE']) console.error(`  ${scenario} round ${round}: ${name}`);
      (globalThis as any).gc?.();
      const cpu = process.cpuUsage();
      const start = performance.now();
      await cases[name]!();
      const wallMs = performance.now() - start;
      const used = process.cpuUsage(cpu);
      if (round >= 0) samples[name]!.push({ cpuMs: (used.user + used.system) / 1000, wallMs });
    }
  }
  return samples;
}

function medians(samples: Record<string, Sample[]>): Record<string, Sample> {
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [name, { cpuMs: median(list.map((s) => s.cpuMs)), wallMs: median(list.map((s) => s.wallMs)) }]),
  );
}

/**
 * Prints the medians and, for each target, the median of the per-round ratios: the two cases of a
 * round ran back to back, so pairing them cancels most of the machine's drift. p25–p75 shows the noise.
 */
function report(title: string, samples: Record<string, Sample[]>, baseline: string, targets: [string, string, number][]) {
  console.log(`\n${title}`);
  const results = medians(samples);
  const base = results[baseline]!;
  console.log(`  ${'case'.padEnd(52)} ${'CPU ms'.padStart(9)} ${'wall ms'.padStart(9)} ${'CPU/base'.padStart(9)} ${'wall/base'.padStart(9)}`);
  for (const [name, sample] of Object.entries(results)) {
    console.log(
      `  ${name.padEnd(52)} ${sample.cpuMs.toFixed(1).padStart(9)} ${sample.wallMs.toFixed(1).padStart(9)} ${(sample.cpuMs / base.cpuMs).toFixed(3).padStart(9)} ${(sample.wallMs / base.wallMs).toFixed(3).padStart(9)}`,
    );
  }
  for (const [name, against, limit] of targets) {
    const ratios = samples[name]!.map((sample, round) => sample.cpuMs / samples[against]![round]!.cpuMs).sort((a, b) => a - b);
    const ratio = median(ratios);
    const quartile = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!.toFixed(3);
    console.log(
      `  CPU ${name} / ${against}: ${ratio.toFixed(3)} (p25–p75 ${quartile(0.25)}–${quartile(0.75)}; target ≤ ${limit.toFixed(2)})${ratio <= limit ? '' : '  <-- above target'}`,
    );
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function nextMessage<T = unknown>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message as T)));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
