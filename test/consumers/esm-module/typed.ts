// Type-checked as an ES module with `module: nodenext`: every entry resolves to the ESM declarations.
import OpenAI from 'openai';
import { IsString } from 'class-validator';
import { Agent, Tool, Toolset, ToolResult, type StreamResult } from 'chat-cmpl-stream-handler';
import { ScriptedChatServer, reply } from 'chat-cmpl-stream-handler/testing';
import { McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { AnthropicOpenAI } from 'chat-cmpl-stream-handler/anthropic';
import { ChatToolsModule, type ChatToolsModuleOptions } from 'chat-cmpl-stream-handler/nest';
import { AgentQueue, AgentWorker, type AgentQueueOptions } from 'chat-cmpl-stream-handler/bullmq';
import { AgentQueueModule } from 'chat-cmpl-stream-handler/bullmq/nest';

class Greeting {
  @IsString() name!: string;
}

@Toolset()
export class GreeterTools {
  @Tool({ description: 'Greets someone' })
  async greet(args: Greeting): Promise<ToolResult> {
    return new ToolResult(`Hello, ${args.name}!`);
  }
}

export const agent = new Agent({ client: new OpenAI(), model: 'm', toolsets: [new GreeterTools()] });
export const anthropicAgent = new Agent({ client: new AnthropicOpenAI({ apiKey: 'k' }), model: 'm' });
export const options: ChatToolsModuleOptions = { client: new OpenAI(), model: 'm' };
export const chatModule = ChatToolsModule.forRoot(options);
export const connect: typeof McpToolset.connect = McpToolset.connect;
export const start: Promise<ScriptedChatServer> = ScriptedChatServer.start({ script: [reply.text('hi')] });
export async function run(): Promise<StreamResult> {
  return agent.run('hi');
}
export const queueOptions: AgentQueueOptions = { connection: { host: 'localhost', port: 6379 }, name: 'agents' };
export const makeQueue = (): AgentQueue => new AgentQueue(queueOptions);
export const makeWorker = (): AgentWorker => new AgentWorker({ ...queueOptions, agents: { greeter: agent }, concurrency: 4 });
export const queueModule = AgentQueueModule.forRoot({ ...queueOptions, worker: { agents: ['greeter'] } });
