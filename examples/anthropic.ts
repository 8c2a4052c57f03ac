/**
 * Claude through the OpenAI client: `npm run build && npm run build:test && node build/examples/anthropic.js`.
 * With ANTHROPIC_API_KEY set it talks to Anthropic (model from ANTHROPIC_MODEL, default claude-haiku-4-5);
 * without it, to the built-in ScriptedAnthropicServer, which speaks the Messages API on 127.0.0.1.
 *
 * Extended thinking is on: the thinking streams as reasoning, and its signed blocks ride on the
 * assistant message into the next request, which Anthropic requires when thinking meets tool use.
 */
import {
  ChatCompletionStreamHandler,
  FunctionTool,
  streamUntilUserInput,
  type ContentDeltaEvent,
  type ReasoningDeltaEvent,
  type ToolCallCompletedEvent,
  type ToolCallStartedEvent,
} from 'chat-cmpl-stream-handler';
import { AnthropicOpenAI } from 'chat-cmpl-stream-handler/anthropic';
import { anthropicReply, ScriptedAnthropicServer, toolUse } from 'chat-cmpl-stream-handler/testing';

const getWeather = new FunctionTool({
  name: 'get_weather',
  description: 'Get the current weather for a given city.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name, e.g. Tokyo' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true, // ignored by Anthropic, kept so the same tool works with OpenAI
  execute: async ({ city }: { city: string }) => `The weather in ${city} is sunny and 25°C.`,
});

class Printer extends ChatCompletionStreamHandler {
  private thinking = false;
  override async onReasoningDelta(event: ReasoningDeltaEvent) {
    if (!this.thinking) process.stdout.write('\n[thinking] ');
    this.thinking = true;
    process.stdout.write(event.delta);
  }
  override async onContentDelta(event: ContentDeltaEvent) {
    if (this.thinking) process.stdout.write('\n\n');
    this.thinking = false;
    process.stdout.write(event.delta);
  }
  override async onToolCallStarted(event: ToolCallStartedEvent) {
    this.thinking = false;
    console.log(`\n[calling] ${event.toolCall.function.name}(${event.toolCall.function.arguments})`);
  }
  override async onToolCallCompleted(event: ToolCallCompletedEvent) {
    console.log(`[result]  ${event.result.content}`);
  }
}

async function main() {
  let client: AnthropicOpenAI;
  let server: ScriptedAnthropicServer | undefined;
  if (process.env['ANTHROPIC_API_KEY']) {
    console.log('Using Anthropic (ANTHROPIC_API_KEY is set).');
    client = new AnthropicOpenAI();
  } else {
    server = await ScriptedAnthropicServer.start({
      script: [
        anthropicReply.toolUse(toolUse('get_weather', { city: 'Tokyo' }), {
          thinking: 'The user asks about Tokyo. I should call get_weather rather than guess.',
          text: "I'll check the weather for you.",
        }),
        anthropicReply.text('It is sunny and 25°C in Tokyo right now. Enjoy the day!', { thinking: 'The tool says sunny, 25°C.' }),
      ],
    });
    console.log(`No ANTHROPIC_API_KEY: using the built-in ScriptedAnthropicServer at ${server.url}.`);
    client = server.client();
  }

  try {
    const result = await streamUntilUserInput({
      client,
      model: process.env['ANTHROPIC_MODEL'] ?? 'claude-haiku-4-5',
      messages: [{ role: 'user', content: "What's the weather in Tokyo?" }],
      tools: [getWeather],
      // Anthropic-only params pass through untouched.
      params: { thinking: { type: 'enabled', budget_tokens: 1024 } } as object,
      streamHandler: new Printer(),
    });

    const firstAnswer = result.messages[1] as { thinking_blocks?: { type: string }[] };
    console.log(`\n\nThinking blocks kept on the tool-calling turn: ${firstAnswer.thinking_blocks?.map((b) => b.type).join(', ') ?? 'none'}`);
    result.usages.forEach((usage, i) => console.log(`Request ${i + 1}: ${usage.prompt_tokens} in, ${usage.completion_tokens} out`));
    console.log(`Total: ${result.totalUsage.total_tokens} tokens`);
  } finally {
    await server?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
