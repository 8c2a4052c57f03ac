import type { ChatCompletion } from 'openai/resources/chat/completions';
import { toFinishReason } from './finish-reason.js';
import { toCompletionUsage } from './usage-mapping.js';
import type { AnthropicMessage, AnthropicThinkingBlock } from './wire-types.js';

/**
 * A non-streaming Messages response as a `chat.completion`: text blocks joined into `content`,
 * `tool_use` blocks as `tool_calls` (input serialised as the arguments), thinking text as
 * `reasoning_content` and the complete blocks as `thinking_blocks`, mapped finish reason and usage.
 * The same shape the streamed translation accumulates to.
 */
export function toChatCompletion(message: AnthropicMessage): ChatCompletion {
  let text: string | null = null;
  let reasoning: string | null = null;
  const thinkingBlocks: AnthropicThinkingBlock[] = [];
  const toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text' && typeof block['text'] === 'string') {
      text = (text ?? '') + block['text'];
    } else if (block.type === 'tool_use') {
      const input = block['input'] ?? {};
      toolCalls.push({ id: String(block['id']), type: 'function', function: { name: String(block['name']), arguments: JSON.stringify(input) } });
    } else if (block.type === 'thinking' && typeof block['thinking'] === 'string') {
      reasoning = (reasoning ?? '') + block['thinking'];
      thinkingBlocks.push({ type: 'thinking', thinking: block['thinking'], signature: String(block['signature'] ?? '') });
    } else if (block.type === 'redacted_thinking') {
      thinkingBlocks.push({ type: 'redacted_thinking', data: String(block['data'] ?? '') });
    }
  }
  const assistant: Record<string, unknown> = { role: 'assistant', content: text, refusal: null };
  if (toolCalls.length > 0) assistant['tool_calls'] = toolCalls;
  if (reasoning !== null) assistant['reasoning_content'] = reasoning;
  if (thinkingBlocks.length > 0) assistant['thinking_blocks'] = thinkingBlocks;
  return {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [
      {
        index: 0,
        message: assistant as unknown as ChatCompletion.Choice['message'],
        logprobs: null,
        finish_reason: toFinishReason(message.stop_reason, toolCalls.length > 0),
      },
    ],
    usage: toCompletionUsage(message.usage ?? {}),
  };
}
