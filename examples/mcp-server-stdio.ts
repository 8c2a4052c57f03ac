/**
 * A @Toolset served as an MCP server over stdio: the same class an Agent uses, now callable by
 * Claude Desktop, IDEs and other agents, with one schema and one validation path.
 *
 *   npm run build && npm run build:test
 *   node build/examples/mcp-server-stdio.js serve   # the MCP server itself (what an MCP client's config starts)
 *   node build/examples/mcp-server-stdio.js         # a demo: starts `serve` as a child process and mounts it in an Agent
 *
 * The demo talks to OpenAI when OPENAI_API_KEY is set (model from OPENAI_MODEL, default gpt-4.1-nano),
 * otherwise to the built-in ScriptedChatServer, which plays a scripted conversation.
 */
import { fileURLToPath } from 'node:url';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { IsIn, IsInt, IsOptional, IsString, Length } from 'class-validator';
import OpenAI from 'openai';
import { Agent, ChatCompletionStreamHandler, Describe, Tool, Toolset, type ToolCallCompletedEvent } from 'chat-cmpl-stream-handler';
import { createMcpServer, McpToolset, type McpToolContext } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

class WeatherQuery {
  @Describe('City name, e.g. Tokyo') @IsString() @Length(1, 80) city!: string;
  @Describe('Temperature unit, Celsius by default') @IsOptional() @IsIn(['c', 'f']) unit?: 'c' | 'f';
}

class Weather {
  @IsString() city!: string;
  @IsInt() temperature!: number;
  @IsIn(['c', 'f']) unit!: 'c' | 'f';
  @IsString() sky!: string;
}

const CELSIUS: Record<string, number> = { tokyo: 25, oslo: 4, lima: 19 };

@Toolset({ prefix: 'weather' })
class WeatherTools {
  @Tool({ description: 'Current weather for a city', output: Weather, annotations: { title: 'Current weather', readOnlyHint: true, openWorldHint: false } })
  async current(args: WeatherQuery, ctx: McpToolContext): Promise<Weather> {
    const celsius = CELSIUS[args.city.toLowerCase()];
    if (celsius === undefined) throw new Error(`No weather station in ${args.city}; try Tokyo, Oslo or Lima.`);
    await ctx.log('info', `weather asked for ${args.city}`);
    const unit = args.unit ?? 'c';
    return { city: args.city, temperature: unit === 'c' ? celsius : Math.round((celsius * 9) / 5 + 32), unit, sky: 'sunny' };
  }
}

/** The server: stdin/stdout carry MCP, so anything for humans goes to stderr. */
async function serve(): Promise<void> {
  const server = createMcpServer({ name: 'weather', version: '1.0.0', toolsets: [new WeatherTools()] });
  await server.connect(new StdioServerTransport());
  console.error('weather MCP server ready on stdio');
}

class ToolPrinter extends ChatCompletionStreamHandler {
  override async onToolCallCompleted(event: ToolCallCompletedEvent) {
    console.log(`[tool] ${event.toolCall.function.name}(${event.toolCall.function.arguments}) -> ${event.result.content}`);
  }
}

/** The demo: this same file, started with `serve`, mounted by McpToolset in an Agent. */
async function demo(): Promise<void> {
  await using weather = await McpToolset.connect({ command: process.execPath, args: [fileURLToPath(import.meta.url), 'serve'], label: 'remote' });
  console.log(`Tools over stdio: ${weather.tools.map((tool) => tool.schema.function.name).join(', ')}`);

  let chat: ScriptedChatServer | undefined;
  let client: OpenAI;
  if (process.env['OPENAI_API_KEY']) {
    client = new OpenAI();
  } else {
    chat = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('remote__weather__current', { city: 'Tokyo', unit: null })),
        reply.dynamic((request) => reply.text(`In Tokyo right now: ${JSON.parse(request.body.messages.at(-1).content).temperature}°C and sunny.`)),
      ],
    });
    console.log('No OPENAI_API_KEY: using the built-in ScriptedChatServer.');
    client = chat.client();
  }
  try {
    const agent = new Agent({ client, model: process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano', toolsets: [weather], handlers: [new ToolPrinter()] });
    const result = await agent.run('What is the weather in Tokyo?');
    console.log(result.finalContent);
  } finally {
    await chat?.close();
  }
}

(process.argv[2] === 'serve' ? serve() : demo()).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
