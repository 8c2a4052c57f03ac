/**
 * Loop control and resilience: `node build/examples/loop-control.js` (after `npm run build:test`).
 * A research agent that must end by calling `submit_report`. With OPENAI_API_KEY set it asks OpenAI
 * (model from OPENAI_MODEL, default gpt-4.1-nano; fallback gpt-4.1-mini); without it, the built-in
 * ScriptedChatServer plays a rough day: a stream cut mid-way, a model repeating itself, a rate limit
 * that asks for an hour's pause.
 */
import OpenAI from 'openai';
import {
  Agent,
  FunctionTool,
  stopAfterTool,
  type StreamRetryEvent,
  type ToolCallFailedEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

const search = new FunctionTool({
  name: 'search',
  description: 'Search the notes for a query.',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false },
  execute: ({ query }: { query: string }) => `Notes on "${query}": tides follow the moon; two highs a day.`,
});
const submitReport = new FunctionTool({
  name: 'submit_report',
  description: 'Submit the final report. Call this exactly once, when done.',
  parameters: { type: 'object', properties: { report: { type: 'string' } }, required: ['report'], additionalProperties: false },
  execute: ({ report }: { report: string }) => `Report filed (${report.length} characters): ${report}`,
});

async function main() {
  let client: OpenAI;
  let server: ScriptedChatServer | undefined;
  const model = process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano';
  if (process.env['OPENAI_API_KEY']) {
    console.log('Using OpenAI (OPENAI_API_KEY is set).');
    client = new OpenAI();
  } else {
    const tides = toolCall('search', { query: 'tides' });
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(tides, { argumentChunkSize: 3, dropAfter: 4 }), // the connection is cut mid-stream
        reply.toolCalls(tides), // the retry
        reply.toolCalls(toolCall('search', '{ "query": "tides" }')), // the same call again: allowed once more
        reply.toolCalls(toolCall('search', { query: 'tides' })), // a third time in a row: refused
        reply.httpError(429, { retryAfter: 3600, message: 'Rate limit reached; try again in an hour.' }),
        reply.toolCalls(toolCall('submit_report', { report: 'Tides follow the moon, with two highs a day.' })),
      ],
    });
    console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${server.url}.`);
    client = server.client();
  }

  const agent = new Agent({
    client,
    model,
    instructions: 'Research with search, then call submit_report once with a one-sentence report.',
    tools: [search, submitReport],
    stopWhen: stopAfterTool('submit_report'),
    streamTimeouts: { firstChunkMs: 60_000, idleMs: 30_000 },
    retry: { attempts: 2, backoffMs: 200 },
    fallbackModels: ['gpt-4.1-mini'],
    maxToolOutputChars: 2_000,
    handlers: [
      {
        onStreamRetry: (event: StreamRetryEvent) =>
          console.log(`[retry ${event.attempt}] request ${event.iteration + 1} again to ${event.model} in ${Math.round(event.delayMs)} ms, after: ${(event.error as Error).message}`),
        onToolCallFailed: (event: ToolCallFailedEvent) => console.log(`[refused] ${event.result.content}`),
      },
    ],
  });

  try {
    const result = await agent.run('Write a one-sentence report on tides.');
    for (const completion of result.completions) console.log(`answered by ${completion.model}: ${completion.choices[0]!.message.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : c.custom.name)).join(', ')}`);
    console.log(`Final tool result: ${result.finalToolResult?.content}`);
  } finally {
    await server?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
