// Serves the built app (`node dist/main`) against a ScriptedChatServer and makes one tool-calling chat
// request over HTTP. Usage: node scripts/serve-check.js [dist/main.js]. Exits non-zero on any failure.
'use strict';
const { spawn } = require('node:child_process');
const { createServer } = require('node:net');
const { reply, ScriptedChatServer, toolCall } = require('chat-cmpl-stream-handler/testing');

const main = process.argv[2] ?? 'dist/main.js';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitUntilServing(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not answer ${url} within ${timeoutMs} ms`);
}

async function main_() {
  const model = await ScriptedChatServer.start({
    script: [
      reply.toolCalls(toolCall('orders__order_status', { orderId: 'ord_1001', reason: null })),
      reply.text('Your order ord_1001 has shipped.'),
    ],
  });
  const port = await freePort();
  // --no-experimental-require-module: run as Node 20.0-20.18 would, which cannot require() an ES module.
  const child = spawn(process.execPath, ['--no-experimental-require-module', main], {
    env: { ...process.env, PORT: String(port), OPENAI_API_KEY: 'scripted-test-key', OPENAI_BASE_URL: model.url },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilServing(base, child, 30_000);
    const response = await fetch(`${base}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'cus_7' },
      body: JSON.stringify({ message: 'Where is my order ord_1001?' }),
    });
    const body = await response.text();
    if (response.status !== 201) throw new Error(`POST /chat answered ${response.status}: ${body}`);
    if (JSON.parse(body).answer !== 'Your order ord_1001 has shipped.') throw new Error(`unexpected answer: ${body}`);
    const toolMessage = model.requests[1]?.body.messages.at(-1);
    const expected = JSON.stringify({ orderId: 'ord_1001', status: 'shipped' });
    if (toolMessage?.role !== 'tool' || toolMessage.content !== expected) {
      throw new Error(`the model did not get the tool result: ${JSON.stringify(toolMessage)}`);
    }
    console.log(`served a @Toolset tool call over HTTP (${main})`);
  } finally {
    child.kill();
    await model.close({ force: true });
  }
}

main_().catch((error) => {
  console.error(error);
  process.exit(1);
});
