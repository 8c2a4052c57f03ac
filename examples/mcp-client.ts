/**
 * The MCP client beyond tools: per-tenant headers, elicitation (with schema defaults), sampling
 * answered by your own model, progress and log notifications as hooks, resources and prompts.
 * Starts a small help-desk MCP server in this process on 127.0.0.1 (Streamable HTTP).
 *
 *   npm run build && npm run build:test && node build/examples/mcp-client.js
 *
 * With OPENAI_API_KEY set it talks to OpenAI (model from OPENAI_MODEL, default gpt-4.1-nano);
 * without it, to the built-in ScriptedChatServer, which plays a scripted conversation.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CreateMessageResultSchema, ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import OpenAI from 'openai';
import { z } from 'zod';
import { Agent, OnToolCallProgress, type ToolCallProgressEvent } from 'chat-cmpl-stream-handler';
import { McpToolset, promptMessagesToChat } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

const RETURNS_POLICY = 'Items can be returned within 30 days of delivery, unused and in their packaging. Refunds take 5 business days.';

/** The help desk's MCP server: it asks the user (elicitation), asks the client's model (sampling), reports progress. */
function createHelpdeskServer(): McpServer {
  const server = new McpServer({ name: 'helpdesk', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerResource('returns-policy', 'kb://returns', { description: 'The returns policy', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, text: RETURNS_POLICY }],
  }));
  server.registerPrompt('triage', { description: 'Triage a customer message', argsSchema: { message: z.string() } }, ({ message }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `A customer writes: "${message}". Open a ticket and tell them the returns policy in one sentence.` } }],
  }));
  server.registerTool('open_ticket', { description: 'Opens a support ticket', inputSchema: { subject: z.string() } }, async ({ subject }, extra) => {
    const tenant = extra.requestInfo?.headers['x-tenant'];
    const answer = await extra.sendRequest(
      {
        method: 'elicitation/create',
        params: {
          mode: 'form',
          message: `How urgent is "${subject}"?`,
          requestedSchema: {
            type: 'object',
            properties: {
              priority: { type: 'string', enum: ['low', 'normal', 'high'], default: 'normal' },
              notify: { type: 'boolean', description: 'Email updates', default: true },
            },
            required: ['priority', 'notify'],
          },
        },
      },
      ElicitResultSchema,
    );
    if (answer.action !== 'accept') return { content: [{ type: 'text', text: 'The user did not open a ticket.' }] };
    const progressToken = extra._meta?.progressToken;
    const progress = (step: number, message: string) =>
      progressToken === undefined ? Promise.resolve() : extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: step, total: 2, message } });
    await progress(1, 'ticket filed');
    await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', logger: 'helpdesk', data: 'assigned to tier 1' } });
    await progress(2, 'confirmation sent');
    const { priority, notify } = answer.content as { priority: string; notify: boolean };
    return { content: [{ type: 'text', text: `Ticket T-1 for ${tenant}: "${subject}", priority ${priority}, email updates ${notify ? 'on' : 'off'}.` }] };
  });
  server.registerTool('summarize_policy', { description: 'The returns policy in one sentence' }, async (extra) => {
    const sampled = await extra.sendRequest(
      { method: 'sampling/createMessage', params: { maxTokens: 60, messages: [{ role: 'user', content: { type: 'text', text: `In one sentence: ${RETURNS_POLICY}` } }] } },
      CreateMessageResultSchema,
    );
    return { content: [sampled.content.type === 'text' ? { type: 'text', text: sampled.content.text } : { type: 'text', text: '(no text)' }] };
  });
  return server;
}

async function startHelpdesk() {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (req, res) => {
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (!transport) {
      const created = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (id) => void sessions.set(id, created) });
      transport = created;
      await createHelpdeskServer().connect(created);
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () => new Promise<void>((resolve) => (http.closeAllConnections(), http.close(() => resolve()))),
  };
}

/** Prints what running tools report. */
class ProgressPrinter {
  @OnToolCallProgress()
  progress(event: ToolCallProgressEvent) {
    console.log(`[progress] ${event.toolCall.function.name} ${event.progress}/${event.total ?? '?'} ${event.message ?? ''}`);
  }
}

async function main() {
  const helpdesk = await startHelpdesk();
  let chat: ScriptedChatServer | undefined;
  try {
    let client: OpenAI;
    if (process.env['OPENAI_API_KEY']) {
      client = new OpenAI();
    } else {
      chat = await ScriptedChatServer.start({
        script: [
          reply.toolCalls([toolCall('helpdesk__open_ticket', { subject: 'Broken zipper' }), toolCall('helpdesk__summarize_policy', {})]),
          reply.text('Return it unused within 30 days for a refund in 5 business days.'), // the server's sampling request
          reply.dynamic((request) => {
            const [ticket, policy] = request.body.messages.filter((message: { role: string }) => message.role === 'tool').map((message: { content: string }) => message.content);
            return reply.text(`${ticket} ${policy}`);
          }),
        ],
      });
      console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${chat.url}.`);
      client = chat.client();
    }
    const model = process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano';

    await using desk = await McpToolset.connect<{ tenant: string }>({
      url: helpdesk.url,
      label: 'helpdesk',
      // One Agent, many tenants: each tenant's calls carry its header, in its own MCP session.
      headers: (context) => ({ 'X-Tenant': context?.tenant ?? 'internal' }),
      // The server asks the user; answering only the priority, the schema's default fills in `notify`.
      onElicitation: async (params, context) => {
        console.log(`[elicitation for ${context?.tenant}] ${params.message}`);
        return { action: 'accept', content: { priority: 'high' } };
      },
      // The server asks for a completion: answered by this model.
      onSampling: { client, model },
    });

    console.log(`Resources: ${(await desk.listResources()).map((resource) => resource.uri).join(', ')}`);
    const messages = promptMessagesToChat(await desk.getPrompt('triage', { message: 'My jacket zipper broke after a week.' }));

    const agent = new Agent<{ tenant: string }>({ client, model, toolsets: [desk], handlers: [new ProgressPrinter()] });
    const result = await agent.run(messages, { context: { tenant: 'acme' } });
    console.log(`\n${result.finalContent}`);
  } finally {
    await chat?.close();
    await helpdesk.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
