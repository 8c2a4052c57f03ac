import type { CreateMessageRequestParams, CreateMessageResult, SamplingMessage } from '@modelcontextprotocol/sdk/types.js';
import type OpenAI from 'openai';
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { McpSamplingHandler } from './client-features.js';

/** Answers an MCP server's sampling requests with an OpenAI (or OpenAI-compatible) model. */
export interface McpSamplingModel {
  /** The client the request is sent with, e.g. `new OpenAI()`. */
  client: OpenAI;
  /** The model that answers, whatever the server's model preferences say. */
  model: string;
  /** Extra Chat Completions body params (e.g. `{ reasoning_effort: 'low' }`), applied last. */
  params?: Partial<ChatCompletionCreateParamsNonStreaming>;
}

/**
 * A sampling handler that sends the server's messages to `model` as one non-streaming Chat
 * Completions request: `systemPrompt` becomes a system message, `maxTokens` becomes
 * `max_completion_tokens`, `stopSequences` `stop` (at most 4), images and WAV/MP3 audio of user
 * messages become image and audio parts; other content is described as JSON text.
 */
export function openAiSamplingHandler({ client, model, params }: McpSamplingModel): McpSamplingHandler {
  return async (request, _context, { signal }) => {
    const completion = await client.chat.completions.create({ ...chatRequest(request, model), ...params, stream: false }, { signal });
    const choice = completion.choices[0];
    const message = choice?.message;
    return {
      role: 'assistant',
      content: { type: 'text', text: message?.content ?? message?.refusal ?? '' },
      model: completion.model || model,
      stopReason: stopReasonOf(choice?.finish_reason),
    } satisfies CreateMessageResult;
  };
}

function chatRequest(request: CreateMessageRequestParams, model: string): ChatCompletionCreateParamsNonStreaming {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.systemPrompt) messages.push({ role: 'system', content: request.systemPrompt });
  for (const message of request.messages) messages.push(chatMessage(message));
  return {
    model,
    messages,
    max_completion_tokens: request.maxTokens,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.stopSequences?.length ? { stop: request.stopSequences.slice(0, 4) } : {}),
  };
}

type SamplingBlock = Extract<SamplingMessage['content'], { type: string }>;

function chatMessage(message: SamplingMessage): ChatCompletionMessageParam {
  const blocks = (Array.isArray(message.content) ? message.content : [message.content]) as SamplingBlock[];
  if (message.role === 'assistant') return { role: 'assistant', content: blocks.map(blockText).join('\n') };
  const parts = blocks.map(userPart);
  const allText = parts.every((part) => part.type === 'text');
  return { role: 'user', content: allText ? parts.map((part) => (part as { text: string }).text).join('\n') : parts };
}

function userPart(block: SamplingBlock): ChatCompletionContentPart {
  if (block.type === 'image') return { type: 'image_url', image_url: { url: `data:${block.mimeType};base64,${block.data}` } };
  if (block.type === 'audio') {
    const format = block.mimeType === 'audio/wav' || block.mimeType === 'audio/x-wav' ? 'wav' : block.mimeType === 'audio/mpeg' || block.mimeType === 'audio/mp3' ? 'mp3' : undefined;
    if (format) return { type: 'input_audio', input_audio: { data: block.data, format } };
  }
  return { type: 'text', text: blockText(block) };
}

function blockText(block: SamplingBlock): string {
  if (block.type === 'text') return block.text;
  const { data: _data, ...described } = block as Record<string, unknown>;
  return JSON.stringify(described);
}

function stopReasonOf(finishReason: string | undefined | null): CreateMessageResult['stopReason'] {
  if (finishReason === 'stop') return 'endTurn';
  if (finishReason === 'length') return 'maxTokens';
  return finishReason ?? undefined;
}
