import type { OnApplicationShutdown } from '@nestjs/common';
import OpenAI from 'openai';
import type { ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { startDemoModel } from './demo-model.js';

/** The model the agents talk to: OpenAI when OPENAI_API_KEY is set, else the demo model on a local ScriptedChatServer. */
export class ChatModel implements OnApplicationShutdown {
  constructor(
    /** The client for ChatToolsModule. */
    readonly client: OpenAI,
    /** The model name. */
    readonly name: string,
    private readonly demoServer?: ScriptedChatServer,
  ) {}

  /** Picks the model from the environment (OPENAI_API_KEY, OPENAI_MODEL). */
  static async fromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<ChatModel> {
    const name = env['OPENAI_MODEL'] ?? 'gpt-4.1-nano';
    if (env['OPENAI_API_KEY']) return new ChatModel(new OpenAI({ apiKey: env['OPENAI_API_KEY'] }), name);
    const server = await startDemoModel();
    return new ChatModel(server.client(), name, server);
  }

  /** For the startup message. */
  describe(): string {
    return this.demoServer ? `the demo model (ScriptedChatServer at ${this.demoServer.url}; set OPENAI_API_KEY to use OpenAI)` : `OpenAI ${this.name}`;
  }

  async onApplicationShutdown(): Promise<void> {
    // The demo model always has its next reply queued, so there is nothing to check.
    await this.demoServer?.close({ force: true });
  }
}
