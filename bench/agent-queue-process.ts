/**
 * The child processes of the agent-queue benchmark (bench/agent-queue.ts), by argument:
 *   model    a ScriptedChatServer; `{ runs: n }` enqueues the replies of n short runs, `{ long: true }` one 20k-delta answer
 *   worker   an AgentWorker of queue QUEUE on REDIS_PORT, CONCURRENCY runs at once; `{ cpu: true }` answers its CPU time
 */
import OpenAI from 'openai';
import { Agent } from 'chat-cmpl-stream-handler';
import { AgentWorker } from 'chat-cmpl-stream-handler/bullmq';
import { ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { longAnswer, shortRunReply, shortRunTools } from './agent-queue-script.js';

const mode = process.argv[2];
const env = process.env;

if (mode === 'model') {
  const server = await ScriptedChatServer.start();
  process.on('message', (message: { runs?: number; long?: boolean; stop?: boolean }) => {
    if (message.stop) return void server.close({ force: true }).then(() => process.exit(0));
    if (message.runs) for (let i = 0; i < message.runs * 2; i++) server.enqueue(shortRunReply());
    if (message.long) server.enqueue(longAnswer());
    process.send!({ ready: true });
  });
  process.send!({ url: server.url });
} else if (mode === 'worker') {
  const client = new OpenAI({ apiKey: 'bench', baseURL: env['MODEL_URL'], maxRetries: 0 });
  const worker = new AgentWorker({
    connection: { host: '127.0.0.1', port: Number(env['REDIS_PORT']) },
    name: env['QUEUE']!,
    agents: { bench: new Agent({ client, model: 'bench-model', tools: shortRunTools() }) },
    concurrency: Number(env['CONCURRENCY']),
  });
  await worker.waitUntilReady();
  process.on('message', (message: { cpu?: boolean; stop?: boolean }) => {
    if (message.stop) return void worker.close().then(() => process.exit(0));
    const { user, system } = process.cpuUsage();
    process.send!({ cpuMs: (user + system) / 1000 });
  });
  process.send!({ ready: true });
}
