/**
 * MCP over stdio: starts the reference server `@modelcontextprotocol/server-everything` as a child
 * process and lets the model call its tools.
 *
 *   npm run build && npm run build:test && node build/examples/mcp-stdio.js
 *
 * With OPENAI_API_KEY set it talks to OpenAI (model from OPENAI_MODEL, default gpt-4.1-nano);
 * without it, to the built-in ScriptedChatServer, which plays a scripted conversation.
 */
import { createRequire } from 'node:module';
import OpenAI from 'openai';
import { ChatCompletionStreamHandler, streamUntilUserInput, type ToolCallCompletedEvent, type ToolCallFailedEvent } from 'chat-cmpl-stream-handler';
import { McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

class ToolPrinter extends ChatCompletionStreamHandler {
  override async onToolCallCompleted(event: ToolCallCompletedEvent) {
    console.log(`[tool] ${event.toolCall.function.name}(${event.toolCall.function.arguments}) -> ${event.result.content}`);
  }
  override async onToolCallFailed(event: ToolCallFailedEvent) {
    console.log(`[tool failed] ${event.toolCall.function.name}: ${event.result?.content ?? String(event.error)}`);
  }
}

async function main() {
  // `npx -y @modelcontextprotocol/server-everything stdio` works too; the installed copy starts faster.
  const serverEverything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
  await using everything = await McpToolset.connect({ command: process.execPath, args: [serverEverything, 'stdio'], label: 'everything' });
  console.log(`Connected to ${everything.owner}; tools: ${everything.tools.map((t) => t.schema.function.name).join(', ')}`);

  let client: OpenAI;
  let chat: ScriptedChatServer | undefined;
  if (process.env['OPENAI_API_KEY']) {
    client = new OpenAI();
  } else {
    chat = await ScriptedChatServer.start({
      script: [
        reply.toolCalls([toolCall('everything__get-sum', { a: 19, b: 23 }), toolCall('everything__echo', { message: 'hello over stdio' })]),
        reply.text('19 + 23 = 42, and the server echoed "hello over stdio".'),
      ],
    });
    console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${chat.url}.`);
    client = chat.client();
  }

  try {
    const result = await streamUntilUserInput({
      client,
      model: process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Use the tools: add 19 and 23, then echo "hello over stdio".' }],
      tools: [everything],
      streamHandler: new ToolPrinter(),
    });
    console.log(`\n${result.finalContent}`);
  } finally {
    await chat?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
