import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

type MutableChunk = { -readonly [K in keyof ChatCompletionChunk]: ChatCompletionChunk[K] } & Record<string, unknown>;
type WireToolCallDelta = {
  index?: number | null;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: unknown } | null;
  [key: string]: unknown;
};
type WireDelta = { role?: string | null; content?: unknown; tool_calls?: WireToolCallDelta[] | null } & Record<string, unknown>;
type WireChoice = {
  index?: number | null;
  delta?: WireDelta | null;
  finish_reason?: string | null;
  [key: string]: unknown;
};

interface ChoiceState {
  /** Provider tool-call index → dense index, in order of first appearance. */
  readonly indexMap: Map<number, number>;
  /** Tool-call id → dense index, for providers that send ids but no index. */
  readonly idMap: Map<string, number>;
  /** Id last seen at each dense index (to split calls a provider sends at one index). */
  readonly idAt: (string | undefined)[];
  toolCalls: number;
  lastToolIndex: number;
  sawRole: boolean;
  finished: boolean;
}

/**
 * Makes one streamed response safe for the OpenAI SDK's accumulator, chunk by chunk, without
 * changing valid OpenAI streams. It fixes what real "OpenAI-compatible" providers send:
 *
 * - tool-call deltas without `index` (Gemini), a first tool call at index 1 (Anthropic's compatible
 *   endpoint), several calls sent at one index with different ids: tool calls get dense indexes in
 *   order of appearance;
 * - `tool_calls: []` / `null` in text deltas (removed; an empty array would be sent back and rejected);
 * - tool-call deltas without `type`, arguments sent as an object, first deltas without `role`,
 *   choices without `index`;
 * - placeholder chunks with empty `choices` and no usage (dropped), chunks with an empty `id`;
 * - usage in `x_groq.usage` (Groq) moved to `usage`; the usage of a provider whose chunks all have
 *   an empty `id` (Snowflake Cortex), which the accumulator would drop, kept in {@link usage};
 * - tool calls in the chunk that carries the `finish_reason` (Gemini, some Mistral models): split into
 *   the delta and a closing chunk ({@link takeHeld}), so the accumulator reports the calls' arguments
 *   as done (it handles a chunk's finish_reason before that chunk's tool calls);
 * - `delta.content` as an array of parts (Mistral's reasoning models): `text` parts become the content,
 *   `thinking` parts `reasoning_content`;
 * - a stream that ends without a `finish_reason` ({@link finish} supplies `tool_calls` or `stop`).
 *
 * Unknown fields (e.g. Gemini's `extra_content` thought signatures) are left untouched.
 */
export class ChunkNormalizer {
  private readonly choices: ChoiceState[] = [];
  private id = '';
  private model = '';
  private created = 0;
  private sawChunk = false;
  private held: ChatCompletionChunk | null = null;
  private lastUsage: ChatCompletionChunk['usage'] = null;

  /** Returns the chunk to feed the accumulator (mutated in place), or `null` to drop it. */
  normalize(raw: ChatCompletionChunk): ChatCompletionChunk | null {
    const chunk = raw as MutableChunk;
    if (!Array.isArray(chunk.choices)) chunk.choices = [];
    if (chunk.usage == null) {
      const groqUsage = (chunk['x_groq'] as { usage?: ChatCompletionChunk['usage'] } | undefined)?.usage;
      if (groqUsage) chunk.usage = groqUsage;
    }
    if (chunk.choices.length === 0 && chunk.usage == null) return null;

    if (chunk.id) {
      if (!this.id) this.id = chunk.id;
    } else if (this.id) {
      chunk.id = this.id;
    }
    if (chunk.model) {
      if (!this.model) this.model = chunk.model;
    } else if (this.model) {
      chunk.model = this.model;
    }
    if (chunk.created && !this.created) this.created = chunk.created;
    if (chunk.usage != null) this.lastUsage = chunk.usage;
    this.sawChunk = true;

    const choices = chunk.choices as unknown as WireChoice[];
    for (let position = 0; position < choices.length; position++) {
      const choice = choices[position]!;
      if (typeof choice.index !== 'number') choice.index = position;
      const state = (this.choices[choice.index] ??= newChoiceState());
      if (choice.finish_reason) state.finished = true;
      const delta = choice.delta;
      if (!delta) continue;
      if (!state.sawRole) {
        state.sawRole = true;
        if (!delta.role) delta.role = 'assistant';
      }
      if (Array.isArray(delta.content)) flattenContentParts(delta);
      const toolCalls = delta.tool_calls;
      if (toolCalls !== undefined) {
        if (toolCalls === null || toolCalls.length === 0) delete delta.tool_calls;
        else {
          for (const toolCall of toolCalls) normalizeToolCall(toolCall, state);
          if (choice.finish_reason) this.holdFinish(chunk, choice);
        }
      }
    }
    return chunk;
  }

  /**
   * A closing chunk split off the chunk {@link normalize} last returned, to be fed to the accumulator
   * right after it; `null` when there is none. Taking it clears it.
   */
  takeHeld(): ChatCompletionChunk | null {
    const held = this.held;
    this.held = null;
    return held;
  }

  /**
   * The last usage any chunk carried. The accumulator keeps the usage of a chunk only when the chunk
   * has an `id`; a provider that never sends one loses it there, so the turn takes it from here.
   */
  get usage(): ChatCompletionChunk['usage'] {
    return this.lastUsage;
  }

  /** Moves `choice`'s finish_reason (and the chunk's usage) to a closing chunk of its own. */
  private holdFinish(chunk: MutableChunk, choice: WireChoice): void {
    const closing = (this.held ??= {
      id: chunk.id,
      object: 'chat.completion.chunk',
      created: chunk.created,
      model: chunk.model,
      choices: [],
    }) as MutableChunk;
    closing.choices.push({ index: choice.index as number, delta: {}, finish_reason: choice.finish_reason as ChatCompletionChunk.Choice['finish_reason'], logprobs: null });
    choice.finish_reason = null;
    if (chunk.usage != null) {
      closing.usage = chunk.usage;
      delete chunk.usage;
    }
  }

  /**
   * Called when the stream ended without error. Returns a closing chunk with a `finish_reason` for
   * every choice that never got one (`tool_calls` when tool calls arrived, else `stop`), or `null`.
   */
  finish(): ChatCompletionChunk | null {
    if (!this.sawChunk) return null;
    const missing: ChatCompletionChunk.Choice[] = [];
    this.choices.forEach((state, index) => {
      if (!state.finished) missing.push({ index, delta: {}, finish_reason: state.toolCalls > 0 ? 'tool_calls' : 'stop', logprobs: null });
    });
    if (missing.length === 0) return null;
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: missing };
  }
}

/**
 * Mistral's reasoning models stream `content` as parts: `{ type: 'text', text }` and
 * `{ type: 'thinking', thinking: [{ type: 'text', text }] }`. Text parts become the content string,
 * thinking parts `reasoning_content` (unless the delta already has one); other parts are dropped.
 */
function flattenContentParts(delta: WireDelta): void {
  let text = '';
  let thinking = '';
  for (const part of delta.content as unknown[]) {
    if (typeof part === 'string') text += part;
    else if (typeof part !== 'object' || part === null) continue;
    else if ((part as { type?: unknown }).type === 'text') text += stringOr((part as { text?: unknown }).text);
    else if ((part as { type?: unknown }).type === 'thinking') thinking += partsText((part as { thinking?: unknown }).thinking);
  }
  delta.content = text === '' && thinking !== '' ? null : text;
  if (thinking !== '' && typeof delta['reasoning_content'] !== 'string') delta['reasoning_content'] = thinking;
}

function partsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  let text = '';
  for (const part of value) text += typeof part === 'string' ? part : stringOr((part as { text?: unknown } | null)?.text);
  return text;
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function newChoiceState(): ChoiceState {
  return { indexMap: new Map(), idMap: new Map(), idAt: [], toolCalls: 0, lastToolIndex: -1, sawRole: false, finished: false };
}

function normalizeToolCall(toolCall: WireToolCallDelta, state: ChoiceState): void {
  const id = toolCall.id || undefined;
  const callsBefore = state.toolCalls;
  let dense: number | undefined;
  if (typeof toolCall.index === 'number') {
    dense = state.indexMap.get(toolCall.index);
    // A provider that sends every call at the same index: a new id there starts a new call.
    if (dense !== undefined && id !== undefined && state.idAt[dense] !== undefined && state.idAt[dense] !== id) dense = undefined;
    if (dense === undefined) {
      dense = (id !== undefined ? state.idMap.get(id) : undefined) ?? state.toolCalls++;
      state.indexMap.set(toolCall.index, dense);
    }
  } else if (id !== undefined) {
    dense = state.idMap.get(id) ?? state.toolCalls++;
  } else {
    // No index and no id: a continuation of the latest call (or the first call).
    dense = state.lastToolIndex >= 0 ? state.lastToolIndex : state.toolCalls++;
  }
  if (id !== undefined) {
    state.idMap.set(id, dense);
    state.idAt[dense] = id;
  }
  toolCall.index = dense;
  state.lastToolIndex = dense;
  // The SDK requires `type` on a call; some providers never send it.
  if (state.toolCalls > callsBefore && toolCall.type == null) toolCall.type = 'function';
  const fn = toolCall.function;
  if (fn && fn.arguments != null && typeof fn.arguments !== 'string') fn.arguments = JSON.stringify(fn.arguments);
}
