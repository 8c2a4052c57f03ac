import { AnthropicRequestError } from './errors.js';
import type {
  AnthropicMessageParam,
  AnthropicThinkingBlock,
  AssistantContentBlock,
  DocumentBlockParam,
  ImageBlockParam,
  TextBlockParam,
  ToolResultBlockParam,
  ToolUseBlockParam,
  UserContentBlock,
} from './wire-types.js';

/** The Chat Completions `messages` as Anthropic wants them: a separate `system` and user/assistant turns. */
export interface TranslatedConversation {
  system?: string | TextBlockParam[];
  messages: AnthropicMessageParam[];
}

type Json = Record<string, unknown>;
type Turn = { role: 'user'; blocks: UserContentBlock[] } | { role: 'assistant'; blocks: AssistantContentBlock[] };

/**
 * Translates Chat Completions messages:
 * - `system` and `developer` messages → `system` (a string for one plain text, else text blocks, in order);
 * - user text / `image_url` / PDF `file` parts → `text` / `image` / `document` blocks;
 * - assistant `thinking_blocks` (first), text and `tool_calls` → `thinking`/`redacted_thinking`, `text`, `tool_use` blocks;
 * - consecutive `tool` messages (and a user message right after them) → one user turn of `tool_result`
 *   blocks in order, `is_error` kept when the tool message carries `is_error: true`;
 * - `reasoning_content` on assistant messages is ignored (the signed `thinking_blocks` are what Anthropic needs).
 *
 * Consecutive turns of one role are merged, as Anthropic does; empty text is dropped (Anthropic rejects it),
 * and an assistant message left with nothing is skipped.
 *
 * @throws {AnthropicRequestError} naming the message and part that has no Anthropic equivalent.
 */
export function translateMessages(messages: unknown): TranslatedConversation {
  if (!Array.isArray(messages)) throw new AnthropicRequestError('`messages` must be an array of chat messages.');
  const system: TextBlockParam[] = [];
  const turns: Turn[] = [];
  const append = (turn: Turn) => {
    const last = turns[turns.length - 1];
    if (last && last.role === turn.role) (last.blocks as unknown[]).push(...turn.blocks);
    else turns.push(turn);
  };

  messages.forEach((message: unknown, i) => {
    const path = `messages[${i}]`;
    if (!isObject(message)) throw new AnthropicRequestError(`${path} must be an object with a role, got ${describe(message)}.`);
    switch (message['role']) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message['content'], `${path}.content`));
        return;
      case 'user': {
        const blocks = userBlocks(message['content'], `${path}.content`);
        if (blocks.length === 0) throw new AnthropicRequestError(`${path} (user) has no content; Anthropic needs non-empty text, images or documents.`);
        append({ role: 'user', blocks });
        return;
      }
      case 'tool':
        append({ role: 'user', blocks: [toolResultBlock(message, path)] });
        return;
      case 'assistant': {
        const blocks = assistantBlocks(message, path);
        if (blocks.length > 0) append({ role: 'assistant', blocks });
        return;
      }
      case 'function':
        throw new AnthropicRequestError(`${path} is a legacy "function" message; use tools and "tool" messages instead.`);
      default:
        throw new AnthropicRequestError(
          `${path} has role ${describe(message['role'])}; expected "system", "developer", "user", "assistant" or "tool".`,
        );
    }
  });

  const result: TranslatedConversation = { messages: turns.map(toMessageParam) };
  if (system.length === 1 && system[0]!.cache_control === undefined) result.system = system[0]!.text;
  else if (system.length > 0) result.system = system;
  return result;
}

function toMessageParam(turn: Turn): AnthropicMessageParam {
  const only = turn.blocks.length === 1 ? turn.blocks[0]! : undefined;
  const content = only?.type === 'text' && only.cache_control === undefined ? only.text : turn.blocks;
  return { role: turn.role, content } as AnthropicMessageParam;
}

/** Text of a system or tool message: a string or text parts. */
function textBlocks(content: unknown, path: string): TextBlockParam[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw new AnthropicRequestError(`${path} must be a string or an array of text parts, got ${describe(content)}.`);
  const blocks: TextBlockParam[] = [];
  content.forEach((part: unknown, i) => {
    if (!isObject(part) || part['type'] !== 'text' || typeof part['text'] !== 'string') {
      throw new AnthropicRequestError(`${path}[${i}] must be a text part { type: "text", text }, got ${describe(part)}.`);
    }
    const block = textBlock(part);
    if (block) blocks.push(block);
  });
  return blocks;
}

function textBlock(part: Json): TextBlockParam | undefined {
  const text = part['text'] as string;
  if (text === '') return undefined;
  return withCacheControl<TextBlockParam>({ type: 'text', text }, part);
}

function userBlocks(content: unknown, path: string): UserContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw new AnthropicRequestError(`${path} must be a string or an array of content parts, got ${describe(content)}.`);
  const blocks: UserContentBlock[] = [];
  content.forEach((part: unknown, i) => {
    const partPath = `${path}[${i}]`;
    if (!isObject(part)) throw new AnthropicRequestError(`${partPath} must be a content part object, got ${describe(part)}.`);
    switch (part['type']) {
      case 'text': {
        if (typeof part['text'] !== 'string') throw new AnthropicRequestError(`${partPath}.text must be a string.`);
        const block = textBlock(part);
        if (block) blocks.push(block);
        return;
      }
      case 'image_url':
        blocks.push(imageBlock(part, partPath));
        return;
      case 'file':
        blocks.push(documentBlock(part, partPath));
        return;
      case 'input_audio':
        throw new AnthropicRequestError(`${partPath} is audio input, which Anthropic's Messages API does not accept; transcribe it to text first.`);
      default:
        throw new AnthropicRequestError(`${partPath} has type ${describe(part['type'])}; user parts may be "text", "image_url" or a PDF "file".`);
    }
  });
  return blocks;
}

const DATA_URL = /^data:([^;,]+)(?:;[^,;]+)*;base64,(.*)$/s;

function imageBlock(part: Json, path: string): ImageBlockParam {
  const url = (part['image_url'] as Json | undefined)?.['url'];
  if (typeof url !== 'string') throw new AnthropicRequestError(`${path}.image_url.url must be a string (an https URL or a base64 data URL).`);
  const data = DATA_URL.exec(url);
  if (data) {
    const mediaType = data[1]!.toLowerCase();
    if (!mediaType.startsWith('image/')) throw new AnthropicRequestError(`${path} is a data URL of ${mediaType}, not an image.`);
    return withCacheControl<ImageBlockParam>({ type: 'image', source: { type: 'base64', media_type: mediaType, data: data[2]! } }, part);
  }
  if (/^https?:\/\//i.test(url)) return withCacheControl<ImageBlockParam>({ type: 'image', source: { type: 'url', url } }, part);
  throw new AnthropicRequestError(`${path}.image_url.url must be an http(s) URL or a base64 data URL (data:image/png;base64,...), got ${describe(url.slice(0, 40))}.`);
}

function documentBlock(part: Json, path: string): DocumentBlockParam {
  const file = isObject(part['file']) ? part['file'] : {};
  const filename = typeof file['filename'] === 'string' ? file['filename'] : undefined;
  const fileData = file['file_data'];
  if (typeof fileData !== 'string') {
    const hint = typeof file['file_id'] === 'string' ? ' OpenAI file ids mean nothing to Anthropic;' : '';
    throw new AnthropicRequestError(`${path} has no file.file_data.${hint} send the PDF inline as a base64 data URL (data:application/pdf;base64,...).`);
  }
  const dataUrl = DATA_URL.exec(fileData);
  const mediaType = dataUrl ? dataUrl[1]!.toLowerCase() : filename?.toLowerCase().endsWith('.pdf') ? 'application/pdf' : undefined;
  if (mediaType !== 'application/pdf') {
    throw new AnthropicRequestError(`${path} is a file of ${mediaType ?? 'unknown type'}; only PDF files (data:application/pdf;base64,...) become Anthropic documents.`);
  }
  const block: DocumentBlockParam = { type: 'document', source: { type: 'base64', media_type: mediaType, data: dataUrl ? dataUrl[2]! : fileData } };
  if (filename) block.title = filename;
  return withCacheControl(block, part);
}

function toolResultBlock(message: Json, path: string): ToolResultBlockParam {
  const id = message['tool_call_id'];
  if (typeof id !== 'string' || id === '') throw new AnthropicRequestError(`${path} (tool) needs the tool_call_id of the call it answers.`);
  const content = message['content'];
  const block: ToolResultBlockParam = {
    type: 'tool_result',
    tool_use_id: id,
    content: typeof content === 'string' ? content : textBlocks(content, `${path}.content`),
  };
  if (message['is_error'] === true) block.is_error = true;
  return block;
}

function assistantBlocks(message: Json, path: string): AssistantContentBlock[] {
  const blocks: AssistantContentBlock[] = [];
  if (message['thinking_blocks'] != null) blocks.push(...thinkingBlocks(message['thinking_blocks'], `${path}.thinking_blocks`));
  const content = message['content'];
  if (typeof content === 'string') {
    if (content !== '') blocks.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    content.forEach((part: unknown, i) => {
      if (isObject(part) && part['type'] === 'text' && typeof part['text'] === 'string') {
        const block = textBlock(part);
        if (block) blocks.push(block);
      } else if (isObject(part) && part['type'] === 'refusal' && typeof part['refusal'] === 'string') {
        if (part['refusal'] !== '') blocks.push({ type: 'text', text: part['refusal'] });
      } else {
        throw new AnthropicRequestError(`${path}.content[${i}] must be a text or refusal part, got ${describe(part)}.`);
      }
    });
  } else if (content != null) {
    throw new AnthropicRequestError(`${path}.content must be a string, an array of text parts or null, got ${describe(content)}.`);
  }
  if (message['function_call'] != null) {
    throw new AnthropicRequestError(`${path} has a legacy function_call; use tool_calls instead.`);
  }
  const toolCalls = message['tool_calls'];
  if (toolCalls != null) {
    if (!Array.isArray(toolCalls)) throw new AnthropicRequestError(`${path}.tool_calls must be an array.`);
    toolCalls.forEach((call: unknown, i) => blocks.push(toolUseBlock(call, `${path}.tool_calls[${i}]`)));
  }
  return blocks;
}

function toolUseBlock(call: unknown, path: string): ToolUseBlockParam {
  if (!isObject(call) || call['type'] === 'custom') {
    throw new AnthropicRequestError(`${path} must be a function tool call; custom tool calls have no Anthropic equivalent.`);
  }
  const fn = call['function'];
  if (typeof call['id'] !== 'string' || !isObject(fn) || typeof fn['name'] !== 'string') {
    throw new AnthropicRequestError(`${path} must be { id, type: "function", function: { name, arguments } }.`);
  }
  return { type: 'tool_use', id: call['id'], name: fn['name'], input: toolInput(fn['arguments']) };
}

/**
 * Anthropic needs `input` as an object. Arguments that are not a JSON object (a reply cut by
 * `max_tokens`) become `{}`: the tool message of that call already told the model they were invalid.
 */
function toolInput(args: unknown): Record<string, unknown> {
  if (isObject(args)) return args;
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function thinkingBlocks(value: unknown, path: string): AnthropicThinkingBlock[] {
  if (!Array.isArray(value)) throw new AnthropicRequestError(`${path} must be the array of thinking blocks the model returned.`);
  return value.map((block: unknown, i) => {
    if (isObject(block) && block['type'] === 'thinking' && typeof block['thinking'] === 'string' && typeof block['signature'] === 'string') {
      return { type: 'thinking', thinking: block['thinking'], signature: block['signature'] };
    }
    if (isObject(block) && block['type'] === 'redacted_thinking' && typeof block['data'] === 'string') {
      return { type: 'redacted_thinking', data: block['data'] };
    }
    throw new AnthropicRequestError(
      `${path}[${i}] must be { type: "thinking", thinking, signature } or { type: "redacted_thinking", data }, ` +
        `exactly as the model returned it; got ${describe(block)}.`,
    );
  });
}

function withCacheControl<B extends { cache_control?: Record<string, unknown> }>(block: B, part: Json): B {
  if (isObject(part['cache_control'])) block.cache_control = part['cache_control'];
  return block;
}

/** True for a plain object (not an array, not null). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
