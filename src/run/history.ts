import type { ChatCompletionAssistantMessageParam, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** The last assistant message of a history, if any. */
export function lastAssistantMessage(messages: readonly ChatCompletionMessageParam[]): ChatCompletionAssistantMessageParam | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === 'assistant') return message;
  }
  return undefined;
}
