import { randomUUID } from 'node:crypto';
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
  /** Whether the call at each dense index has its name. */
  readonly namedAt: boolean[];
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
 *   `thinking` parts `reasoning_content` ({@link thinkingFromParts} is then set: Mistral refuses that
 *   field as input, so it is not sent back);
 * - a tool call without an id, or with `id: ""` (Gemini): it gets one (openai 6.0 rejects the turn otherwise);
 * - a choice without `delta` (Azure's content-filter annotations) gets an empty one; a stray `delta.index`
 *   (models served by Mistral) is removed, since the SDK would copy it onto the message sent back;
 * - a choice that already finished is dropped from later chunks (OpenRouter repeats the finishing
 *   chunk), so no call is reported done twice;
 * - a choice that carries a whole `message` beside its delta (Foundry Local): the message is dropped,
 *   since the accumulator would replace the text so far with it;
 * - choice indexes that are not positions (Foundry Local's running counter): with one choice requested,
 *   every choice is choice 0; with several, a chunk carrying several choices is split into one chunk per
 *   choice, so each event can be told apart by its chunk;
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
  private readonly held: ChatCompletionChunk[] = [];
  /** The closing chunk split off the chunk being normalised, once one of its choices needed it. */
  private closing: MutableChunk | undefined;
  private lastUsage: ChatCompletionChunk['usage'] = null;
  private partsThinking = false;
  /** How many choices have their finish_reason: until one does, no chunk needs filtering. */
  private finishedChoices = 0;

  /** @param requestedChoices - the request's `n` (1 when unset). */
  constructor(private readonly requestedChoices = 1) {}

  /** Returns the chunk to feed the accumulator (mutated in place), or `null` to drop it. */
  normalize(raw: ChatCompletionChunk): ChatCompletionChunk | null {
    const chunk = raw as MutableChunk;
    this.closing = undefined;
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

    let choices = chunk.choices as unknown as WireChoice[];
    if (this.finishedChoices > 0 && choices.some((choice, position) => this.choices[this.choiceIndex(choice, position)]?.finished)) {
      // After its finish_reason a choice is done: a repeated finish (OpenRouter) would make openai 6.x
      // report its tool calls done again.
      choices = choices.filter((choice, position) => !this.choices[this.choiceIndex(choice, position)]?.finished);
      chunk.choices = choices as unknown as ChatCompletionChunk.Choice[];
      if (choices.length === 0 && chunk.usage == null) return null;
    }
    for (let position = 0; position < choices.length; position++) {
      const choice = choices[position]!;
      choice.index = this.choiceIndex(choice, position);
      const state = (this.choices[choice.index] ??= newChoiceState());
      if (choice.finish_reason && !state.finished) {
        state.finished = true;
        this.finishedChoices++;
      }
      // A full `message` beside the delta (Foundry Local) would replace the accumulated message.
      if ('message' in choice) delete choice['message'];
      const delta = (choice.delta ??= {});
      if (!state.sawRole) {
        state.sawRole = true;
        if (!delta.role) delta.role = 'assistant';
      }
      if ('index' in delta) delete delta['index'];
      if (Array.isArray(delta.content) && flattenContentParts(delta)) this.partsThinking = true;
      const toolCalls = delta.tool_calls;
      if (toolCalls !== undefined) {
        if (toolCalls === null || toolCalls.length === 0) delete delta.tool_calls;
        else {
          for (const toolCall of toolCalls) normalizeToolCall(toolCall, state);
          if (choice.finish_reason) this.holdFinish(chunk, choice);
        }
      }
    }
    if (choices.length > 1 && this.requestedChoices > 1) this.splitChoices(chunk);
    return chunk;
  }

  /** Choice 0 for every choice when one was requested, else the provider's index (or the position). */
  private choiceIndex(choice: WireChoice, position: number): number {
    if (this.requestedChoices <= 1) return 0;
    return typeof choice.index === 'number' ? choice.index : position;
  }

  /**
   * The next chunk split off the chunk {@link normalize} last returned, to be fed to the accumulator
   * right after it; `null` when there is none.
   */
  takeHeld(): ChatCompletionChunk | null {
    return this.held.length === 0 ? null : this.held.shift()!;
  }

  /** True when reasoning arrived as content parts (Mistral), whose `reasoning_content` is not sent back. */
  get thinkingFromParts(): boolean {
    return this.partsThinking;
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
    let closing = this.closing;
    if (!closing) {
      closing = this.closing = emptyLike(chunk) as MutableChunk;
      this.held.push(closing);
    }
    closing.choices.push({ index: choice.index as number, delta: {}, finish_reason: choice.finish_reason as ChatCompletionChunk.Choice['finish_reason'], logprobs: null });
    choice.finish_reason = null;
    if (chunk.usage != null) {
      closing.usage = chunk.usage;
      delete chunk.usage;
    }
  }

  /** Keeps the first choice in `chunk` and queues one chunk per other choice (finishing chunks stay last). */
  private splitChoices(chunk: MutableChunk): void {
    const [first, ...rest] = chunk.choices;
    chunk.choices = [first!];
    const split = rest.map((choice) => ({ ...emptyLike(chunk), choices: [choice] }));
    this.held.unshift(...split);
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
function flattenContentParts(delta: WireDelta): boolean {
  let text = '';
  let thinking = '';
  for (const part of delta.content as unknown[]) {
    if (typeof part === 'string') text += part;
    else if (typeof part !== 'object' || part === null) continue;
    else if ((part as { type?: unknown }).type === 'text') text += stringOr((part as { text?: unknown }).text);
    else if ((part as { type?: unknown }).type === 'thinking') thinking += partsText((part as { thinking?: unknown }).thinking);
  }
  delta.content = text === '' && thinking !== '' ? null : text;
  if (thinking === '' || typeof delta['reasoning_content'] === 'string') return false;
  delta['reasoning_content'] = thinking;
  return true;
}

/** A chunk with `chunk`'s identity and no choices. */
function emptyLike(chunk: MutableChunk): ChatCompletionChunk {
  return { id: chunk.id, object: 'chat.completion.chunk', created: chunk.created, model: chunk.model, choices: [] };
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
  return { indexMap: new Map(), idMap: new Map(), idAt: [], namedAt: [], toolCalls: 0, lastToolIndex: -1, sawRole: false, finished: false };
}

function normalizeToolCall(toolCall: WireToolCallDelta, state: ChoiceState): void {
  const id = toolCall.id || undefined;
  if (id === undefined) delete toolCall.id;
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
    // No index and no id: a continuation of the latest call, unless it names a tool again (Gemini sends
    // each whole call with `id: ""` and no index).
    const named = typeof toolCall.function?.name === 'string' && toolCall.function.name !== '';
    dense = state.lastToolIndex >= 0 && !(named && state.namedAt[state.lastToolIndex]) ? state.lastToolIndex : state.toolCalls++;
  }
  if (toolCall.function?.name) state.namedAt[dense] = true;
  if (id !== undefined) {
    state.idMap.set(id, dense);
    state.idAt[dense] = id;
  }
  toolCall.index = dense;
  state.lastToolIndex = dense;
  if (state.toolCalls > callsBefore) {
    // The SDK requires `type` and (6.0) an id on a call; some providers never send them.
    if (toolCall.type == null) toolCall.type = 'function';
    if (id === undefined) {
      toolCall.id = `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
      state.idAt[dense] = toolCall.id;
    }
  }
  const fn = toolCall.function;
  if (fn && fn.arguments != null && typeof fn.arguments !== 'string') fn.arguments = JSON.stringify(fn.arguments);
}
