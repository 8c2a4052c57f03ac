import type { ContentBlock, GetPromptResult, PromptMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/**
 * The messages of an MCP prompt (`toolset.getPrompt(...)`) as Chat Completions messages, ready
 * for `messages` or `agent.run`. Text stays text; an image of a user message becomes an image
 * part; an embedded text resource becomes its text; anything else (audio, binary resources,
 * resource links) is described in one line of JSON without its binary payload.
 */
export function promptMessagesToChat(prompt: Pick<GetPromptResult, 'messages'> | readonly PromptMessage[]): ChatCompletionMessageParam[] {
  const messages = Array.isArray(prompt) ? (prompt as readonly PromptMessage[]) : (prompt as Pick<GetPromptResult, 'messages'>).messages;
  return messages.map((message) => {
    const block = message.content;
    if (message.role === 'assistant') return { role: 'assistant', content: blockText(block) };
    if (block.type === 'image') {
      const parts: ChatCompletionContentPart[] = [{ type: 'image_url', image_url: { url: `data:${block.mimeType};base64,${block.data}` } }];
      return { role: 'user', content: parts };
    }
    return { role: 'user', content: blockText(block) };
  });
}

function blockText(block: ContentBlock): string {
  if (block.type === 'text') return block.text;
  if (block.type === 'resource' && 'text' in block.resource && typeof block.resource.text === 'string') return block.resource.text;
  const { data: _data, ...described } = block as Record<string, unknown>;
  if (block.type === 'resource') {
    const { blob: _blob, ...resource } = block.resource as Record<string, unknown>;
    return JSON.stringify({ ...described, resource });
  }
  return JSON.stringify(described);
}
