/**
 * Loop control (issue 18): what the resilience options cost on the tool loop when nothing fails.
 * The same scripted loop as the `loop` section (20 iterations, arguments in ~100 fragments each, then
 * a 5k-chunk answer), served from its own process; every case is the engine with a no-op handler, and
 * each is compared with "options unset" in the same round (paired ratio of client CPU).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { ChatCompletionStreamHandler, FunctionTool, stopAfterTool, streamUntilUserInput, type StreamUntilUserInputOptions } from 'chat-cmpl-stream-handler';
import { LOOP_ITERATIONS } from './scenarios.js';

const WARMUP_ROUNDS = 2;
const UNSET = 'options unset (repeatedCallLimit at its default)';

interface Sample {
  cpuMs: number;
  wallMs: number;
}

/** The cases: extra options over the unset run. Limits are generous: they never fire here, so only their upkeep is measured. */
const CASES: Record<string, Partial<StreamUntilUserInputOptions>> = {
  [UNSET]: {},
  'repeatedCallLimit: Infinity (check off)': { repeatedCallLimit: Number.POSITIVE_INFINITY },
  'retry + streamTimeouts set': { retry: {}, streamTimeouts: { firstChunkMs: 30_000, idleMs: 10_000, totalMs: 120_000 } },
  'every loop-control option set': {
    retry: { attempts: 3 },
    streamTimeouts: { firstChunkMs: 30_000, idleMs: 10_000, totalMs: 120_000 },
    fallbackModels: ['bench-backup'],
    stopWhen: stopAfterTool('never_called'),
    prepareStep: () => undefined,
    repeatedCallLimit: 5,
    maxToolOutputChars: 100_000,
  },
};

/** Runs the section: warm-up rounds, then `repeats` interleaved rounds; prints medians and each case's paired CPU ratio to the unset run. */
export async function runLoopControlBench(repeats: number): Promise<void> {
  const child = fork(fileURLToPath(new URL('./server-process.js', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await nextMessage<{ url: string }>(child);
  const client = new OpenAI({ apiKey: 'bench', baseURL: url, maxRetries: 0 });
  const parameters = { type: 'object', properties: { i: { type: 'number' }, note: { type: 'string' } }, required: ['i', 'note'], additionalProperties: false };
  const step = new FunctionTool({ name: 'step', parameters, execute: ({ i }: { i: number }) => `step ${i} done` });
  const base: StreamUntilUserInputOptions = {
    client,
    model: 'bench-model',
    messages: [{ role: 'user', content: 'Tell me everything.' }],
    tools: [step],
    maxIterations: LOOP_ITERATIONS + 2,
  };

  const names = Object.keys(CASES);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -WARMUP_ROUNDS; round < repeats; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      child.send({ scenario: 'loop' });
      await nextMessage(child);
      (globalThis as any).gc?.();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await streamUntilUserInput({ ...base, ...CASES[name], streamHandler: new ChatCompletionStreamHandler() });
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      if (round >= 0) samples[name]!.push({ cpuMs: (used.user + used.system) / 1000, wallMs });
    }
  }
  child.send({ stop: true });

  console.log(`\nloop control on the tool loop (${LOOP_ITERATIONS} iterations, nothing fails; median of ${repeats})`);
  console.log(`  ${'case'.padEnd(52)} ${'CPU ms'.padStart(9)} ${'wall ms'.padStart(9)}`);
  for (const name of names) {
    console.log(`  ${name.padEnd(52)} ${median(samples[name]!.map((s) => s.cpuMs)).toFixed(1).padStart(9)} ${median(samples[name]!.map((s) => s.wallMs)).toFixed(1).padStart(9)}`);
  }
  for (const name of names.slice(1)) {
    const ratios = samples[name]!.map((sample, round) => sample.cpuMs / samples[UNSET]![round]!.cpuMs).sort((a, b) => a - b);
    const quartile = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!.toFixed(3);
    console.log(`  CPU ${name} / unset: ${median(ratios).toFixed(3)} (p25–p75 ${quartile(0.25)}–${quartile(0.75)})`);
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runLoopControlBench(Number(process.env['BENCH_REPEATS'] ?? 11));
}
