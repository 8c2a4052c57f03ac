/**
 * MCP over Streamable HTTP: starts a small MCP server in this process on 127.0.0.1, connects to it
 * by URL (with an auth header) and runs a conversation whose `context` reaches the server as
 * `_meta.context`.
 *
 *   npm run build && npm run build:test && node build/examples/mcp-http.js
 *
 * With OPENAI_API_KEY set it talks to OpenAI (model from OPENAI_MODEL, default gpt-4.1-nano);
 * without it, to the built-in ScriptedChatServer, which plays a scripted conversation.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import OpenAI from 'openai';
import { z } from 'zod';
import { streamUntilUserInput } from 'chat-cmpl-stream-handler';
import { McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

const API_KEY = 'demo-secret';
const ORDERS: Record<string, { status: string; items: string[] }> = {
  'A-1001': { status: 'shipped', items: ['keyboard'] },
  'A-1002': { status: 'processing', items: ['monitor', 'cable'] },
};

/** The MCP server a team would deploy: one tool, reading who asks from `_meta.context`. */
function createOrdersServer(): McpServer {
  const server = new McpServer({ name: 'orders', version: '1.0.0' });
  server.registerTool(
    'get_order',
    { description: 'Status and items of an order', inputSchema: { orderId: z.string().describe('Order id, e.g. A-1001'), verbose: z.boolean().optional() } },
    async ({ orderId }, extra) => {
      const order = ORDERS[orderId];
      const askedBy = (extra._meta?.['context'] as { userId?: string } | undefined)?.userId ?? 'unknown user';
      if (!order) return { isError: true, content: [{ type: 'text', text: `No order ${orderId}.` }] };
      return { content: [{ type: 'text', text: `Order ${orderId} (asked by ${askedBy}): ${order.status}; items: ${order.items.join(', ')}` }] };
    },
  );
  return server;
}

/** Streamable HTTP on 127.0.0.1 with one McpServer per session and a bearer-token check. */
async function startOrdersHttpServer() {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${API_KEY}`) return void res.writeHead(401).end('unauthorized');
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp') return void res.writeHead(404).end();
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (!transport) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => void sessions.set(id, created),
        onsessionclosed: (id) => void sessions.delete(id),
      });
      transport = created;
      await createOrdersServer().connect(created);
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, close: () => new Promise((resolve) => http.close(resolve)) };
}

async function main() {
  const ordersServer = await startOrdersHttpServer();
  let chat: ScriptedChatServer | undefined;
  try {
    await using orders = await McpToolset.connect({ url: ordersServer.url, label: 'orders', headers: { Authorization: `Bearer ${API_KEY}` } });
    const getOrder = orders.tools[0]!.schema.function;
    console.log(`Offered to the model: ${getOrder.name} (strict: ${getOrder.strict})\n${JSON.stringify(getOrder.parameters, null, 2)}`);

    let client: OpenAI;
    if (process.env['OPENAI_API_KEY']) {
      client = new OpenAI();
    } else {
      chat = await ScriptedChatServer.start({
        script: [
          reply.toolCalls(toolCall('orders__get_order', { orderId: 'A-1002', verbose: null })),
          reply.dynamic((request) => reply.text(`Here is what I found. ${request.body.messages.at(-1).content}`)),
        ],
      });
      console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${chat.url}.`);
      client = chat.client();
    }

    const result = await streamUntilUserInput({
      client,
      model: process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Where is my order A-1002?' }],
      tools: [orders],
      context: { userId: 'user-7' },
    });
    console.log(`\n${result.finalContent}`);
  } finally {
    await chat?.close();
    await ordersServer.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
