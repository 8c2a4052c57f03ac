import type { CompletionUsage } from 'openai/resources/completions';
import type { MessageSpec, ScriptedToolCall } from './replies.js';

/** Identity shared by every chunk of one reply. */
export interface ReplyIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** Used in default tool call ids. */
  readonly replyNumber: number;
}

type Json = Record<string, unknown>;

/** Splits `text` into pieces of `size` characters (code points are never cut). */
export function splitText(text: string, size: number): string[] {
  const chars = Array.from(text);
  const step = Math.max(1, Math.floor(size));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += step) pieces.push(chars.slice(i, i + step).join(''));
  return pieces;
}

function splitAt(text: string, positions: readonly number[]): string[] {
  const cuts = [...new Set(positions.filter((p) => p > 0 && p < text.length))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** The JSON text of a scripted call's arguments. */
export function argumentsText(call: ScriptedToolCall): string {
  if (call.arguments === undefined) return '{}';
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

function toolCallId(call: ScriptedToolCall, identity: ReplyIdentity, index: number): string {
  return call.id ?? `call_${identity.replyNumber}_${index}`;
}

function tokenLogprobs(text: string): Json[] {
  return [{ token: text, logprob: -0.01, bytes: Array.from(Buffer.from(text, 'utf8')), top_logprobs: [] }];
}

/** Default usage: about four characters a token, like OpenAI's rule of thumb. */
export function defaultUsage(requestBody: unknown, spec: MessageSpec, override?: Partial<CompletionUsage>): CompletionUsage {
  const promptChars = JSON.stringify((requestBody as { messages?: unknown } | undefined)?.messages ?? []).length;
  const completionChars =
    (spec.content?.length ?? 0) +
    (spec.refusal?.length ?? 0) +
    (spec.reasoning?.length ?? 0) +
    (spec.toolCalls ?? []).reduce((sum, call) => sum + call.name.length + argumentsText(call).length, 0);
  const prompt_tokens = override?.prompt_tokens ?? Math.ceil(promptChars / 4);
  const completion_tokens = override?.completion_tokens ?? Math.ceil(completionChars / 4);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens, ...override } as CompletionUsage;
}

/**
 * The chunks of a streamed reply, in order, without the usage chunk. Mirrors what OpenAI sends: a
 * first delta with the role, content deltas, tool-call deltas (id, type and name first, then
 * argument fragments), then a delta-less chunk with the finish reason.
 */
export function buildChunks(spec: MessageSpec, identity: ReplyIdentity): Json[] {
  const quirks = spec.quirks ?? {};
  const chunkSize = spec.chunkSize ?? 4;
  const chunks: Json[] = [];
  const base = () => ({ id: identity.id, object: 'chat.completion.chunk', created: identity.created, model: spec.model ?? identity.model });
  const push = (delta: Json, extra: Json = {}) =>
    chunks.push({ ...base(), choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }] });

  if (quirks.placeholderFirstChunk) chunks.push({ id: '', object: 'chat.completion.chunk', created: 0, model: '', choices: [] });
  const role = quirks.omitRole ? {} : { role: 'assistant' };
  const textExtras = quirks.emptyToolCallsInTextDeltas ? { tool_calls: [] } : {};
  // Like OpenAI: an empty string opens a text answer, null opens a message of tool calls only.
  push({ ...role, content: spec.content || spec.reasoning || !spec.toolCalls?.length ? '' : null, refusal: null, ...textExtras });

  if (spec.reasoning) {
    const field = spec.reasoningField ?? 'reasoning_content';
    for (const piece of splitText(spec.reasoning, chunkSize)) push({ [field]: piece });
  }
  if (spec.content) {
    for (const piece of splitText(spec.content, chunkSize)) {
      push({ content: piece, ...textExtras }, spec.logprobs ? { logprobs: { content: tokenLogprobs(piece), refusal: null } } : {});
    }
  }
  if (spec.refusal) {
    for (const piece of splitText(spec.refusal, chunkSize)) {
      push({ refusal: piece }, spec.logprobs ? { logprobs: { content: null, refusal: tokenLogprobs(piece) } } : {});
    }
  }
  pushToolCalls(spec, identity, push);

  const finishReason = spec.finishReason === undefined ? (spec.toolCalls?.length ? 'tool_calls' : 'stop') : spec.finishReason;
  if (finishReason !== null) push({}, { finish_reason: finishReason });
  return chunks;
}

function pushToolCalls(spec: MessageSpec, identity: ReplyIdentity, push: (delta: Json, extra?: Json) => void): void {
  const calls = spec.toolCalls ?? [];
  if (calls.length === 0) return;
  const quirks = spec.quirks ?? {};
  const offset = quirks.toolCallIndexOffset ?? 0;
  const typeField = quirks.omitToolCallType ? {} : { type: 'function' };

  if (quirks.omitToolCallIndex) {
    // Gemini: every call whole in one delta, no index.
    calls.forEach((call, i) => {
      push({ tool_calls: [{ id: toolCallId(call, identity, i), ...typeField, function: { name: call.name, arguments: argumentsText(call) }, ...call.extra }] });
    });
    return;
  }

  const fragments = calls.map((call) => {
    const text = argumentsText(call);
    return spec.argumentSplits ? splitAt(text, spec.argumentSplits) : splitText(text, spec.argumentChunkSize ?? 5);
  });
  const opening = (call: ScriptedToolCall, i: number) =>
    push({ tool_calls: [{ index: i + offset, id: toolCallId(call, identity, i), ...typeField, function: { name: call.name, arguments: '' }, ...call.extra }] });
  const fragment = (i: number, text: string) => push({ tool_calls: [{ index: i + offset, function: { arguments: text } }] });

  if (spec.interleaveToolCalls) {
    calls.forEach(opening);
    const longest = Math.max(...fragments.map((f) => f.length));
    for (let f = 0; f < longest; f++) fragments.forEach((pieces, i) => pieces[f] !== undefined && fragment(i, pieces[f]!));
  } else {
    calls.forEach((call, i) => {
      opening(call, i);
      for (const piece of fragments[i]!) fragment(i, piece);
    });
  }
}

/** The non-streaming `chat.completion` for a spec. */
export function buildCompletion(spec: MessageSpec, identity: ReplyIdentity, usage: CompletionUsage): Json {
  const calls = spec.toolCalls ?? [];
  const finishReason = spec.finishReason === undefined ? (calls.length ? 'tool_calls' : 'stop') : spec.finishReason;
  const message: Json = { role: 'assistant', content: spec.content ?? null, refusal: spec.refusal ?? null };
  if (spec.reasoning) message[spec.reasoningField ?? 'reasoning_content'] = spec.reasoning;
  if (calls.length) {
    message['tool_calls'] = calls.map((call, i) => ({
      id: toolCallId(call, identity, i),
      type: 'function',
      function: { name: call.name, arguments: argumentsText(call) },
      ...call.extra,
    }));
  }
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: spec.model ?? identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage,
  };
}
