/**
 * Human approval of a tool call, across processes: `node build/examples/approval.js`.
 *
 * 1. A support agent looks up an order (runs at once) and asks to refund it (waits for a person).
 * 2. The paused run is stored as JSON (a file standing in for your database), signed with a key only
 *    the server knows, so a client holding it cannot forge an approval.
 * 3. A second process (this file again, with `--resume`) loads it, records the manager's decision and
 *    resumes with a new Agent: the refund runs exactly once, the lookup is not repeated.
 *
 * With OPENAI_API_KEY set it talks to OpenAI (model from OPENAI_MODEL); without it, to the built-in
 * ScriptedChatServer, which plays the model.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { Agent, FunctionTool, RunState } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

/** Kept on the server (an environment variable in production). */
const SIGNING_KEY = process.env['RUN_STATE_KEY'] ?? 'example-signing-key';

interface Session {
  userId: string;
}

/** The tools, as every process that runs this agent defines them. */
function supportAgent(client: OpenAI, model: string, ledger: string[]) {
  const lookupOrder = new FunctionTool({
    name: 'lookup_order',
    description: 'Find an order by id.',
    parameters: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'], additionalProperties: false },
    strict: true,
    execute: ({ order }: { order: string }) => (ledger.push(`lookup ${order}`), `Order ${order}: 2 items, paid 40.00 EUR, delivered damaged.`),
  });
  const refundOrder = new FunctionTool({
    name: 'refund_order',
    description: 'Refund an order. A person must approve refunds over 20 EUR.',
    parameters: {
      type: 'object',
      properties: { order: { type: 'string' }, amount: { type: 'number' } },
      required: ['order', 'amount'],
      additionalProperties: false,
    },
    strict: true,
    needsApproval: ({ amount }: { amount: number }) => amount > 20,
    execute: ({ order, amount }: { order: string; amount: number }, session: Session) => {
      ledger.push(`refund ${order} ${amount}`);
      return `Refunded ${amount.toFixed(2)} EUR on ${order} (approved for ${session.userId}).`;
    },
  });
  return new Agent<Session>({
    client,
    model,
    instructions: 'You are a support agent. Look orders up before refunding them.',
    tools: [lookupOrder, refundOrder],
    signingKey: SIGNING_KEY,
  });
}

async function withModel(script: () => Parameters<ScriptedChatServer['enqueue']>, use: (client: OpenAI, model: string) => Promise<void>) {
  if (process.env['OPENAI_API_KEY']) return use(new OpenAI(), process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano');
  const server = await ScriptedChatServer.start({ script: script() });
  try {
    await use(server.client(), 'scripted');
  } finally {
    await server.close();
  }
}

async function firstProcess(stateFile: string) {
  const ledger: string[] = [];
  await withModel(
    () => [reply.toolCalls([toolCall('lookup_order', { order: 'A-1002' }), toolCall('refund_order', { order: 'A-1002', amount: 40 }, { id: 'call_refund' })])],
    async (client, model) => {
      const result = await supportAgent(client, model, ledger).run('My order A-1002 arrived broken. Refund it please.', { context: { userId: 'ann' } });
      console.log(`Ran so far: ${ledger.join(', ')}`);
      for (const waiting of result.interruptions) console.log(`Waiting for approval: ${waiting.toolName}(${JSON.stringify(waiting.arguments)})`);
      writeFileSync(stateFile, JSON.stringify(result.state));
      console.log(`Stored the paused run (${readFileSync(stateFile).length} bytes, signed: ${'signature' in JSON.parse(readFileSync(stateFile, 'utf8'))}).`);
    },
  );
}

async function secondProcess(stateFile: string) {
  const ledger: string[] = [];
  await withModel(
    () => [reply.text('I have refunded 40.00 EUR on order A-1002. Sorry about the damage!')],
    async (client, model) => {
      const state = RunState.fromJSON(JSON.parse(readFileSync(stateFile, 'utf8')), { signingKey: SIGNING_KEY });
      for (const waiting of state.undecided) {
        console.log(`[process ${process.pid}] manager approves ${waiting.toolName} ${waiting.toolCall.id}`);
        state.approve(waiting.toolCall.id);
      }
      const result = await supportAgent(client, model, ledger).run(state, { context: { userId: 'ann' } });
      console.log(`Ran after resuming: ${ledger.join(', ')}`);
      console.log(`Assistant: ${result.finalContent}`);
      console.log(`Requests in the whole run: ${result.usages.length}`);
    },
  );
}

async function main() {
  if (process.argv[2] === '--resume') return secondProcess(process.argv[3]!);
  if (!process.env['OPENAI_API_KEY']) console.log('No OPENAI_API_KEY: using the built-in ScriptedChatServer as the model.');
  const folder = mkdtempSync(join(tmpdir(), 'approval-'));
  const stateFile = join(folder, 'run-state.json');
  try {
    console.log(`[process ${process.pid}] starting the run`);
    await firstProcess(stateFile);
    // Another process, as after a restart or on another machine: only the JSON and the signing key cross over.
    process.stdout.write(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--resume', stateFile], { env: process.env }));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
