/**
 * Hooks printing a live stream: reasoning, tokens, tool arguments as they stream, tool progress and
 * the bill of each request, from decorated methods of a plain class.
 *
 *   npm run build && npm run build:test && node build/examples/hooks-live.js
 *
 * With OPENAI_API_KEY set it talks to OpenAI (model from OPENAI_MODEL, default gpt-4.1-nano);
 * without it, to the built-in ScriptedChatServer, which plays a reasoning model that calls a tool.
 */
import OpenAI from 'openai';
import {
  FunctionTool,
  OnContentDelta,
  OnIterationCompleted,
  OnIterationStarted,
  OnReasoningDelta,
  OnReasoningDone,
  OnRunCompleted,
  OnToolCallArgumentsDelta,
  OnToolCallArgumentsDone,
  OnToolCallCompleted,
  OnToolCallStarted,
  streamUntilUserInput,
  type ContentDeltaEvent,
  type FunctionToolCallArgumentsDeltaEvent,
  type FunctionToolCallArgumentsDoneEvent,
  type IterationCompletedEvent,
  type IterationStartedEvent,
  type ReasoningDeltaEvent,
  type RunCompletedEvent,
  type RunInfo,
  type ToolCallCompletedEvent,
  type ToolCallStartedEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

const write = (text: string) => process.stdout.write(text);
const tty = process.stdout.isTTY === true;
const dim = (text: string) => (tty ? `\x1b[2m${text}\x1b[0m` : text);

/** Any class can listen: decorate the methods, no base class needed. */
class LivePrinter {
  @OnIterationStarted() requestStarted(event: IterationStartedEvent, run: RunInfo<{ user: string }>) {
    write(`\n── request ${event.index + 1} for ${run.context.user} (${event.messages.length} messages) ──\n`);
  }
  @OnReasoningDelta() thinking(event: ReasoningDeltaEvent) {
    write(dim(event.delta));
  }
  @OnReasoningDone() thought() {
    write('\n');
  }
  @OnContentDelta() token(event: ContentDeltaEvent) {
    write(event.delta);
  }
  @OnToolCallArgumentsDelta() argumentsSoFar(event: FunctionToolCallArgumentsDeltaEvent) {
    // Redraw one line while the arguments stream in (only on a terminal).
    if (tty) write(`\r[${event.name}] ${event.arguments}`);
  }
  @OnToolCallArgumentsDone() argumentsDone(event: FunctionToolCallArgumentsDoneEvent) {
    write(`${tty ? '\r' : ''}[${event.name}] ${event.arguments}  ✓ arguments complete\n`);
  }
  @OnToolCallStarted() toolStarted(event: ToolCallStartedEvent) {
    write(`[running] ${event.toolCall.function.name}\n`);
  }
  @OnToolCallCompleted() toolDone(event: ToolCallCompletedEvent) {
    write(`[done in ${event.durationMs.toFixed(0)} ms] ${event.result.content}\n`);
  }
  @OnIterationCompleted() requestDone(event: IterationCompletedEvent) {
    if (event.usage) write(`\n(${event.usage.prompt_tokens} prompt + ${event.usage.completion_tokens} completion tokens)\n`);
  }
  @OnRunCompleted() finished(event: RunCompletedEvent) {
    write(`\nTotal: ${event.result.totalUsage.total_tokens} tokens in ${event.result.usages.length} requests.\n`);
  }
}

const convert = new FunctionTool({
  name: 'convert_currency',
  description: 'Convert an amount between currencies at today’s rate.',
  parameters: {
    type: 'object',
    properties: { amount: { type: 'number' }, from: { type: 'string' }, to: { type: 'string' } },
    required: ['amount', 'from', 'to'],
    additionalProperties: false,
  },
  strict: true,
  execute: async ({ amount, from, to }: { amount: number; from: string; to: string }) => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return `${amount} ${from} = ${(amount * 0.0061).toFixed(2)} ${to}`;
  },
});

async function main() {
  let client: OpenAI;
  let server: ScriptedChatServer | undefined;
  if (process.env['OPENAI_API_KEY']) {
    client = new OpenAI();
  } else {
    server = await ScriptedChatServer.start({
      script: [
        reply.message({
          reasoning: 'The user wants yen in euros. I should call the converter rather than guess the rate.',
          toolCalls: [toolCall('convert_currency', { amount: 12000, from: 'JPY', to: 'EUR' })],
          argumentChunkSize: 6,
          delayMs: 5,
        }),
        reply.text('12,000 yen is about 73.20 euros at today’s rate.', { chunkSize: 3, delayMs: 5 }),
      ],
    });
    console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${server.url}.`);
    client = server.client();
  }
  try {
    await streamUntilUserInput({
      client,
      model: process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'How much is 12000 yen in euros?' }],
      tools: [convert],
      streamHandler: new LivePrinter(),
      context: { user: 'ann' },
    });
  } finally {
    await server?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
