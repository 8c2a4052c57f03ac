#!/usr/bin/env node
// Packaging checks, run the way users meet the package: from `npm pack` output, never from source.
//
//   node scripts/ci/packaging.mjs [--keep] [consumer...]
//
// Packs the package (its prepack script builds it), runs @arethetypeswrong/cli and publint on the
// tarball, then copies each consumer app of test/consumers/ into a temp folder, installs it from the
// npm registry with the tarball as its `chat-cmpl-stream-handler` dependency, and runs its checks.
// Every check counts as one test; the last line is `tests: N passed, N failed`. Needs: node 20+, npm,
// the registry, and this repo's devDependencies installed (`npm ci`). `--keep` leaves the temp folder.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args.filter((arg) => !arg.startsWith('--'));
const bin = (name) => join(repo, 'node_modules', '.bin', name);

// --no-experimental-require-module: run as Node 20.0-20.18 do, which cannot require() an ES module.
const NODE_20_0 = '--no-experimental-require-module';

/** Each consumer: its checks, in order, as [name, command, args, env?]. */
const CONSUMERS = {
  'nest-starter': [
    ['tsc 5.7 (the starter\'s TypeScript)', 'node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']],
    ['tsc 5.9 (newest 5.x)', 'node', ['node_modules/typescript-5-latest/bin/tsc', '-p', 'tsconfig.json', '--noEmit']],
    // TypeScript 6 rejects the starter's own `baseUrl` (deprecated) and no longer loads every @types
    // package (`types` defaults to []), so the starter's own spec files need these two flags on 6.x;
    // TypeScript 6's other new defaults (strict, ...) stay on.
    ['tsc 6.0 (newest 6.x)', 'node', ['node_modules/typescript-6/bin/tsc', '-p', 'tsconfig.json', '--noEmit', '--ignoreDeprecations', '6.0', '--types', 'node,jest']],
    ['nest build (tsc)', 'npx', ['--no-install', 'nest', 'build']],
    ['serves a @Toolset tool call over HTTP (tsc build)', 'node', ['scripts/serve-check.js', 'dist/main.js']],
    ['nest build -b swc', 'npx', ['--no-install', 'nest', 'build', '-b', 'swc']],
    ['serves a @Toolset tool call over HTTP (swc build)', 'node', ['scripts/serve-check.js', 'dist/main.js']],
    ['jest unit tests (npm test)', 'npm', ['test', '--silent'], { OPENAI_API_KEY: 'unused-in-tests' }],
    ['jest + ts-jest e2e (npm run test:e2e)', 'npm', ['run', 'test:e2e', '--silent'], { OPENAI_API_KEY: 'unused-in-tests' }],
  ],
  'cjs-require': [
    ['require() every entry and run a tool loop', 'node', [NODE_20_0, 'index.js']],
    ['tsc 5.9 with moduleResolution node10, strict, declarations checked', 'node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']],
  ],
  'esm-module': [
    ['import every entry and run a tool loop', 'node', ['index.js']],
    ['tsc 6.0 with module nodenext (ESM), strict, declarations checked', 'node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']],
  ],
};

const results = [];

/** Runs a command; resolves with its exit code and combined output (never rejects). */
function run(command, commandArgs, { cwd = repo, env = {} } = {}) {
  return new Promise((done) => {
    const child = spawn(command, commandArgs, { cwd, env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => done({ code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

/** Runs one check, records it, and prints its outcome (all output on failure, `show` output always). */
async function check(name, command, commandArgs, options = {}) {
  const started = Date.now();
  const { code, output } = await run(command, commandArgs, options);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const passed = code === 0;
  results.push({ name, passed, seconds });
  console.log(`${passed ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
  if (!passed || options.show) console.log(indent(output));
  return passed;
}

const indent = (text) => text.trimEnd().replace(/^/gm, '     ');

const work = mkdtempSync(join(tmpdir(), 'chat-cmpl-packaging-'));
try {
  console.log(`== packaging checks in ${work}`);
  const packed = await check('npm pack', 'npm', ['pack', '--silent', '--pack-destination', work]);
  if (packed) {
    const tarball = join(work, 'chat-cmpl-stream-handler.tgz');
    renameSync(join(work, readdirSync(work).find((file) => file.endsWith('.tgz'))), tarball);
    await check('attw: every entry, every resolution mode', bin('attw'), [tarball, '--format', 'table'], { show: true });
    await check('publint --strict', bin('publint'), ['run', tarball, '--strict'], { show: true });

    for (const [consumer, checks] of Object.entries(CONSUMERS)) {
      if (only.length > 0 && !only.includes(consumer)) continue;
      console.log(`== consumer ${consumer}`);
      const dir = join(work, consumer);
      cpSync(join(repo, 'test', 'consumers', consumer), dir, { recursive: true });
      const installed = await check(`${consumer}: npm install (from the tarball)`, 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
      });
      for (const [name, command, commandArgs, env] of checks) {
        if (installed) await check(`${consumer}: ${name}`, command, commandArgs, { cwd: dir, env });
        else results.push({ name: `${consumer}: ${name}`, passed: false, seconds: '0' });
      }
    }
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.passed);
if (failed.length > 0) console.log(`failed: ${failed.map((result) => result.name).join('; ')}`);
console.log(`tests: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exitCode = failed.length > 0 ? 1 : 0;
