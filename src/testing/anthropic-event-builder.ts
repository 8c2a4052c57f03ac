import type { AnthropicMessageSpec, AnthropicUsageSpec } from './anthropic-replies.js';
import { splitText } from './chunk-builder.js';

/** Identity shared by every event of one reply. */
export interface AnthropicReplyIdentity {
  readonly id: string;
  readonly model: string;
  /** Used in default ids and signatures. */
  readonly replyNumber: number;
}

/** A content block with every default filled in. */
export type ResolvedBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'redacted_thinking'; readonly data: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly inputText: string };

/** An SSE event as Anthropic writes it: `event: <name>` and a JSON `data` whose `type` repeats the name. */
export interface AnthropicSseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** The spec's blocks with default ids, signatures and JSON input text. */
export function resolveBlocks(spec: AnthropicMessageSpec, identity: AnthropicReplyIdentity): ResolvedBlock[] {
  let toolUses = 0;
  return spec.content.map((block, index): ResolvedBlock => {
    switch (block.type) {
      case 'text':
        return { type: 'text', text: block.text };
      case 'thinking':
        return { type: 'thinking', thinking: block.thinking, signature: block.signature ?? scriptedSignature(identity, index, block.thinking) };
      case 'redacted_thinking':
        return { type: 'redacted_thinking', data: block.data };
      case 'tool_use': {
        const id = block.id ?? `toolu_${identity.replyNumber}_${toolUses}`;
        toolUses++;
        const input = block.input ?? {};
        return { type: 'tool_use', id, name: block.name, inputText: typeof input === 'string' ? input : JSON.stringify(input) };
      }
    }
  });
}

/** A made-up signature: opaque and different for every block, like Anthropic's. */
function scriptedSignature(identity: AnthropicReplyIdentity, index: number, thinking: string): string {
  return Buffer.from(`scripted-signature:${identity.id}:${index}:${thinking.length}`).toString('base64');
}

/** Default usage: about four characters a token; cache counters only when the spec sets them. */
export function anthropicUsage(requestBody: unknown, blocks: readonly ResolvedBlock[], override: Partial<AnthropicUsageSpec> = {}): Json {
  const body = (requestBody ?? {}) as Json;
  const promptChars = JSON.stringify([body['system'] ?? '', body['messages'] ?? [], body['tools'] ?? []]).length;
  const outputChars = blocks.reduce((sum, block) => {
    if (block.type === 'text') return sum + block.text.length;
    if (block.type === 'thinking') return sum + block.thinking.length;
    if (block.type === 'tool_use') return sum + block.name.length + block.inputText.length;
    return sum + block.data.length;
  }, 0);
  return {
    input_tokens: Math.ceil(promptChars / 4),
    output_tokens: Math.max(1, Math.ceil(outputChars / 4)),
    ...override,
  };
}

function stopReasonOf(spec: AnthropicMessageSpec, blocks: readonly ResolvedBlock[]): string {
  return spec.stopReason ?? (blocks.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn');
}

/** The events of a streamed reply, in Anthropic's order, ending with `message_stop`. */
export function buildAnthropicEvents(
  spec: AnthropicMessageSpec,
  blocks: readonly ResolvedBlock[],
  identity: AnthropicReplyIdentity,
  usage: Json,
): AnthropicSseEvent[] {
  const chunkSize = spec.chunkSize ?? 4;
  const argumentChunkSize = spec.argumentChunkSize ?? 5;
  const events: AnthropicSseEvent[] = [];
  const push = (data: Json) => events.push({ event: data['type'] as string, data });
  const { output_tokens: outputTokens, ...startUsage } = usage;

  push({
    type: 'message_start',
    message: {
      id: identity.id,
      type: 'message',
      role: 'assistant',
      model: spec.model ?? identity.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...startUsage, output_tokens: 1 },
    },
  });
  push({ type: 'ping' });
  blocks.forEach((block, index) => {
    switch (block.type) {
      case 'text':
        push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        for (const text of splitText(block.text, chunkSize)) push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
        break;
      case 'thinking':
        push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        for (const thinking of splitText(block.thinking, chunkSize)) {
          push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } });
        }
        push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
        break;
      case 'redacted_thinking':
        push({ type: 'content_block_start', index, content_block: { type: 'redacted_thinking', data: block.data } });
        break;
      case 'tool_use':
        push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        for (const partial of splitText(block.inputText, argumentChunkSize)) {
          push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
        }
        break;
    }
    push({ type: 'content_block_stop', index });
  });
  push({
    type: 'message_delta',
    delta: { stop_reason: stopReasonOf(spec, blocks), stop_sequence: spec.stopSequence ?? null },
    usage: { output_tokens: outputTokens },
  });
  push({ type: 'message_stop' });
  return events;
}

/** The non-streaming Messages response for a spec. */
export function buildAnthropicMessage(
  spec: AnthropicMessageSpec,
  blocks: readonly ResolvedBlock[],
  identity: AnthropicReplyIdentity,
  usage: Json,
): Json {
  return {
    id: identity.id,
    type: 'message',
    role: 'assistant',
    model: spec.model ?? identity.model,
    content: blocks.map((block) => {
      if (block.type !== 'tool_use') return { ...block };
      return { type: 'tool_use', id: block.id, name: block.name, input: parseInput(block.inputText) };
    }),
    stop_reason: stopReasonOf(spec, blocks),
    stop_sequence: spec.stopSequence ?? null,
    usage,
  };
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
