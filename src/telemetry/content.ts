// Chat Completions messages in the shape of the GenAI conventions' input/output messages JSON
// schemas (semantic-conventions v1.41.0: gen-ai-input-messages.json, gen-ai-output-messages.json).
// Only used with `captureContent`: nothing here runs otherwise.
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

type Part = Record<string, unknown> & { type: string };
interface ChatMessage {
  role: string;
  parts: Part[];
  name?: string;
}
interface OutputMessage extends ChatMessage {
  finish_reason: string;
}

/** `gen_ai.input.messages`: the messages sent to the model, in order, as a JSON string. */
export function inputMessagesJson(messages: readonly ChatCompletionMessageParam[]): string {
  return JSON.stringify(messages.map(toChatMessage));
}

/** `gen_ai.output.messages`: one message per choice of the completion, as a JSON string. */
export function outputMessagesJson(completion: ChatCompletion): string {
  const messages: OutputMessage[] = completion.choices.map((choice) => ({
    ...toChatMessage(choice.message as ChatCompletionMessageParam),
    finish_reason: choice.finish_reason ?? 'error',
  }));
  return JSON.stringify(messages);
}

/** `gen_ai.tool.call.arguments`: the arguments the model sent, parsed when they are JSON. */
export function toolArgumentsJson(rawArguments: string): string {
  return isJson(rawArguments) ? rawArguments : JSON.stringify(rawArguments);
}

function toChatMessage(message: ChatCompletionMessageParam): ChatMessage {
  const parts: Part[] = [];
  const record = message as unknown as Record<string, unknown>;
  const reasoning = record['reasoning_content'] ?? record['reasoning'];
  if (typeof reasoning === 'string' && reasoning !== '') parts.push({ type: 'reasoning', content: reasoning });
  if (message.role === 'tool') {
    parts.push({ type: 'tool_call_response', id: message.tool_call_id, response: textOf(message.content) });
  } else {
    parts.push(...contentParts(message.content));
  }
  if (message.role === 'assistant') {
    if (typeof message.refusal === 'string' && message.refusal !== '') parts.push({ type: 'refusal', content: message.refusal });
    for (const call of message.tool_calls ?? []) {
      if (call.type === 'function') parts.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: parsedArguments(call.function.arguments) });
      else parts.push({ type: 'tool_call', id: call.id, name: call.custom.name, arguments: call.custom.input });
    }
  }
  const name = 'name' in message && typeof message.name === 'string' ? message.name : undefined;
  return name === undefined ? { role: message.role, parts } : { role: message.role, parts, name };
}

function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.map((part: Record<string, any>): Part => {
    switch (part['type']) {
      case 'text':
        return { type: 'text', content: part['text'] };
      case 'refusal':
        return { type: 'refusal', content: part['refusal'] };
      case 'image_url':
        return mediaPart('image', String(part['image_url']?.url ?? ''));
      case 'input_audio':
        return { type: 'blob', modality: 'audio', mime_type: `audio/${part['input_audio']?.format ?? 'wav'}`, content: part['input_audio']?.data };
      case 'file':
        return part['file']?.file_id
          ? { type: 'file', modality: 'document', file_id: part['file'].file_id }
          : { type: 'blob', modality: 'document', content: part['file']?.file_data };
      default:
        return { ...part, type: String(part['type']) };
    }
  });
}

/** A data: URL becomes a blob part (its base64 content), any other URL a uri part. */
function mediaPart(modality: string, url: string): Part {
  const data = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (data) return { type: 'blob', modality, mime_type: data[1] ?? null, content: data[3] };
  return { type: 'uri', modality, uri: url };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  return '';
}

function parsedArguments(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
