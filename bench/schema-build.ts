/**
 * Schema build at first use (issue 12 item 10): the cold cost of reading every `@Toolset` class, as a
 * serverless cold start or a Nest boot pays it. Each sample runs in a fresh process. The baseline, in
 * the same run, is class-transformer + class-validator's own first use of the same DTO classes (one
 * `plainToInstance` + `validate` per tool): work every application with these DTOs does anyway, on the
 * same metadata, so the ratio says how many "first validations" building the tools costs.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TOOLS_PER_TOOLSET, TOOLSETS } from './schema-build-classes.js';

interface Sample {
  cpuMs: number;
  wallMs: number;
}

function sample(mode: 'library' | 'baseline'): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./schema-build-process.js', import.meta.url)), [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: Sample | undefined;
    child.once('message', (message) => (result = message as Sample));
    child.once('error', reject);
    child.once('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`schema-build sample (${mode}) exited with ${code}`))));
  });
}

/** Runs the scenario: `repeats` paired cold samples (after one warm-up pair), prints medians and the paired ratio. */
export async function runSchemaBuildBench(repeats: number): Promise<void> {
  const library: Sample[] = [];
  const baseline: Sample[] = [];
  for (let round = -1; round < repeats; round++) {
    const pair = round % 2 === 0 ? [await sample('library'), await sample('baseline')] : [await sample('baseline'), await sample('library')].reverse();
    if (round >= 0) {
      library.push(pair[0]!);
      baseline.push(pair[1]!);
    }
  }
  const tools = TOOLSETS * TOOLS_PER_TOOLSET;
  const med = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const ratios = library.map((s, i) => s.cpuMs / baseline[i]!.cpuMs).sort((a, b) => a - b);
  const quartile = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!.toFixed(3);
  const libraryCpu = med(library.map((s) => s.cpuMs));
  const baselineCpu = med(baseline.map((s) => s.cpuMs));
  console.log(`\nschema build at first use: ${TOOLSETS} toolsets × ${TOOLS_PER_TOOLSET} tools, 3 DTO classes per tool, each sample a cold process (median of ${repeats})`);
  console.log(`  baseline: plainToInstance + validate, one call per tool DTO   CPU ${baselineCpu.toFixed(1)} ms`);
  console.log(`  toolsFromToolset of every toolset                           CPU ${libraryCpu.toFixed(1)} ms (${((libraryCpu / tools) * 1000).toFixed(0)} µs per tool)`);
  console.log(`  CPU toolsFromToolset / baseline: ${med(ratios).toFixed(3)} (p25–p75 ${quartile(0.25)}–${quartile(0.75)})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runSchemaBuildBench(Number(process.env['BENCH_REPEATS'] ?? 11));
}
