import type { FactoryProvider } from '@nestjs/common';
import type OpenAI from 'openai';
import { CHAT_TOOLS_CLIENT, CHAT_TOOLS_OPTIONS } from './chat-tools.constants.js';
import { ChatToolsModuleError } from './chat-tools-module.error.js';
import type { ChatToolsModuleOptions } from './chat-tools-options.interface.js';
import { describeValue } from './describe-value.js';

/** Provides {@link CHAT_TOOLS_CLIENT}: `options.client`, or the result of `options.clientFactory()`. */
export const chatToolsClientProvider: FactoryProvider<OpenAI> = {
  provide: CHAT_TOOLS_CLIENT,
  inject: [CHAT_TOOLS_OPTIONS],
  useFactory: async (options: ChatToolsModuleOptions): Promise<OpenAI> => {
    if (options.client) return options.client;
    const client: unknown = await options.clientFactory!();
    if (typeof (client as OpenAI | undefined)?.chat?.completions?.create !== 'function') {
      throw new ChatToolsModuleError(`ChatToolsModule: clientFactory returned ${describeValue(client)}; it must return an OpenAI client instance.`);
    }
    return client as OpenAI;
  },
};
