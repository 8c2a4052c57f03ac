/**
 * Quick start: `npm start`.
 * With OPENAI_API_KEY set it talks to OpenAI (model from OPENAI_MODEL, default gpt-4.1-nano);
 * without it, to the built-in ScriptedChatServer, which plays a scripted weather conversation.
 */
import OpenAI from 'openai';
import {
  ChatCompletionStreamHandler,
  FunctionTool,
  streamUntilUserInput,
  type ContentDeltaEvent,
  type ToolCallCompletedEvent,
  type ToolCallStartedEvent,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

const getWeather = new FunctionTool({
  name: 'get_weather',
  description: 'Get the current weather for a given city.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name, e.g. Tokyo' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
  execute: async ({ city }: { city: string }) => `The weather in ${city} is sunny and 25°C.`,
});

class Printer extends ChatCompletionStreamHandler {
  override async onContentDelta(event: ContentDeltaEvent) {
    process.stdout.write(event.delta);
  }
  override async onToolCallStarted(event: ToolCallStartedEvent) {
    console.log(`\n[calling] ${event.toolCall.function.name}(${event.toolCall.function.arguments})`);
  }
  override async onToolCallCompleted(event: ToolCallCompletedEvent) {
    console.log(`[result]  ${event.result.content}`);
  }
}

async function main() {
  let client: OpenAI;
  let server: ScriptedChatServer | undefined;
  if (process.env['OPENAI_API_KEY']) {
    console.log('Using OpenAI (OPENAI_API_KEY is set).');
    client = new OpenAI();
  } else {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('get_weather', { city: 'Tokyo' })),
        reply.text('It is sunny and 25°C in Tokyo right now. Enjoy the day!'),
      ],
    });
    console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${server.url}.`);
    client = server.client();
  }

  try {
    const result = await streamUntilUserInput({
      client,
      model: process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano',
      messages: [{ role: 'user', content: "What's the weather in Tokyo?" }],
      tools: [getWeather],
      streamHandler: new Printer(),
    });

    console.log('\n\nHistory (user → assistant(tool_calls) → tool → assistant):');
    for (const message of result.toInputList()) {
      const content = 'content' in message && message.content ? message.content : JSON.stringify((message as any).tool_calls ?? '');
      console.log(`  ${message.role.padEnd(9)} ${content}`);
    }
    result.usages.forEach((usage, i) => console.log(`Request ${i + 1}: ${usage.total_tokens} tokens`));
    console.log(`Total: ${result.totalUsage.total_tokens} tokens`);
  } finally {
    await server?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
