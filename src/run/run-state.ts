import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { argsOrUndefined, type ToolCall } from '../tools/tool.js';
import { lastAssistantMessage } from './history.js';
import { RunStateError } from './errors.js';

/** The version of the JSON form this library writes and reads. */
export const RUN_STATE_VERSION = 1;

/** `type` of every serialised state, so a stray object is not mistaken for one. */
export const RUN_STATE_TYPE = 'chat-cmpl-stream-handler/run-state';

/** What a person decided about a call that waits for approval. */
export type ToolCallDecision =
  | { readonly type: 'approve'; readonly arguments?: Record<string, unknown> | undefined }
  | { readonly type: 'reject'; readonly message?: string | undefined };

/** A call that waits for a person's decision, as `result.interruptions` and `state.interruptions` list it. */
export interface Interruption {
  /** The call as the model made it (`id`, `function.name`, raw `function.arguments`). */
  readonly toolCall: ToolCall;
  /** `toolCall.function.name`. */
  readonly toolName: string;
  /** The parsed arguments (`undefined` when they are not valid JSON). */
  readonly arguments: unknown;
  /** The decision recorded so far, if any. */
  readonly decision?: ToolCallDecision | undefined;
}

/** One call of the last assistant message that had no tool message when the state was taken. */
export interface PendingCallJSON {
  /** The tool call id. */
  id: string;
  /** `required` waits for a decision; `none` runs as is; absent: not decided yet (the engine asks the tool when it resumes). */
  approval?: 'required' | 'none';
  /** The decision, for a call whose approval is required. */
  decision?: ToolCallDecision;
  /** The call already ran (an approval-free call of an interrupted turn): its tool message. */
  result?: { content: string; isError: boolean };
}

/** The JSON form of a {@link RunState}: plain data, safe to store in a database and send to another process. */
export interface RunStateJSON {
  /** Always `'chat-cmpl-stream-handler/run-state'`. */
  type: typeof RUN_STATE_TYPE;
  /** {@link RUN_STATE_VERSION} of the library that wrote it. */
  version: number;
  /** The run's id; a resumed run keeps it. */
  runId: string;
  /**
   * What the run does when resumed: send model request `iteration` (`model`), run the unanswered calls
   * of the last assistant message, which request `iteration` produced (`tools`), or nothing: the run
   * is finished (`finished`).
   */
  next: 'model' | 'tools' | 'finished';
  /** See {@link next}. */
  iteration: number;
  /** The history so far: input, assistant and tool messages. */
  messages: ChatCompletionMessageParam[];
  /** Usage of each model request so far. */
  usages: CompletionUsage[];
  /** The completion of each model request so far. */
  completions: ChatCompletion[];
  /** With `next: 'tools'`: the calls of the last assistant message that had no tool message yet. */
  pending: PendingCallJSON[];
  /** A fingerprint of the definition of each tool a pending call names, to notice the tools changed. */
  tools: Record<string, string>;
  /** HMAC-SHA256 of everything else, when the run has a `signingKey`. */
  signature?: string;
}

/** Options of {@link RunState.fromJSON}. */
export interface RunStateOptions {
  /**
   * The key the state was signed with (the run's `signingKey`). A signed state must be loaded with it:
   * it is checked here, and decisions are signed with it.
   */
  signingKey?: SigningKey | undefined;
}

/** A key for HMAC-SHA256: a string or bytes. Keep it on the server. */
export type SigningKey = string | Uint8Array;

/** The default tool message of a rejected call. */
export const DEFAULT_REJECTION_MESSAGE = 'The user rejected this tool call.';

/**
 * A paused run as plain data: the history, the calls that wait for a decision, and where to go on.
 * `result.state` of an interrupted run and `run.checkpoint` events carry one. Record decisions with
 * {@link approve} / {@link reject}, store it with `JSON.stringify`, load it with {@link fromJSON}
 * (in any process), and resume with `streamUntilUserInput({ ...options, resume: state })` or
 * `agent.run(state, { context })`.
 *
 * With a `signingKey`, the state is signed: a state changed outside `approve`/`reject` (arguments,
 * messages, a forged approval) is refused with {@link RunStateError}.
 */
export class RunState {
  readonly #data: RunStateJSON;
  readonly #key: SigningKey | undefined;

  /**
   * @internal Built by the engine (from a snapshot of the run: arrays copied, items never changed
   * afterwards) and by {@link fromJSON}. With a key, {@link toJSON} signs what it returns.
   */
  constructor(data: RunStateJSON, key: SigningKey | undefined) {
    this.#data = data;
    this.#key = key;
  }

  /**
   * Loads a state from its JSON form (`JSON.parse(JSON.stringify(state))`, a database row).
   *
   * @throws {RunStateError} when it is not a state, comes from another format version, or (with a
   *   `signingKey`) is unsigned or was changed since it was signed.
   */
  static fromJSON(json: unknown, options: RunStateOptions = {}): RunState {
    const data = checkShape(json);
    if (options.signingKey !== undefined) verify(data, options.signingKey);
    const copy = structuredClone(data);
    return new RunState(copy, options.signingKey ?? undefined);
  }

  /** The run's id (kept when it resumes). */
  get runId(): string {
    return this.#data.runId;
  }

  /** What resuming does: `model`, `tools` or nothing (`finished`). */
  get next(): RunStateJSON['next'] {
    return this.#data.next;
  }

  /** The history so far (a copy). */
  get messages(): ChatCompletionMessageParam[] {
    return structuredClone(this.#data.messages);
  }

  /** Every call that waits or waited for approval, with the decision recorded so far. */
  get interruptions(): Interruption[] {
    const calls = lastToolCalls(this.#data);
    return this.#data.pending.flatMap((pending) => {
      if (pending.approval !== 'required') return [];
      const toolCall = calls.get(pending.id)!;
      return [{ toolCall, toolName: toolCall.function.name, arguments: argsOrUndefined(toolCall), decision: pending.decision }];
    });
  }

  /** The calls that still wait for a decision. */
  get undecided(): Interruption[] {
    return this.interruptions.filter((interruption) => interruption.decision === undefined);
  }

  /**
   * Approves a call that waits for approval; it runs (once) when the run resumes. `arguments` replaces
   * the model's arguments (a parsed object); they are validated again like the model's.
   *
   * @throws {RunStateError} for a call id the state does not wait on, a call already decided, arguments
   *   that are not a JSON object, or a signed state loaded without its key.
   */
  approve(call: string | { id: string }, options: { arguments?: Record<string, unknown> } = {}): this {
    const args = options.arguments;
    if (args !== undefined && !isJsonObject(args)) {
      throw new RunStateError(`Edited arguments for call ${idOf(call)} must be a plain JSON object, e.g. { city: "Oslo" }.`);
    }
    return this.decide(call, args === undefined ? { type: 'approve' } : { type: 'approve', arguments: structuredClone(args) });
  }

  /**
   * Rejects a call that waits for approval: it never runs; the model gets `message` (default
   * {@link DEFAULT_REJECTION_MESSAGE}) as its result.
   *
   * @throws {RunStateError} like {@link approve}.
   */
  reject(call: string | { id: string }, options: { message?: string } = {}): this {
    if (options.message !== undefined && typeof options.message !== 'string') {
      throw new RunStateError(`The rejection message for call ${idOf(call)} must be a string.`);
    }
    return this.decide(call, options.message === undefined ? { type: 'reject' } : { type: 'reject', message: options.message });
  }

  /** The JSON form (signed when the state has a key); `JSON.stringify(state)` uses it. */
  toJSON(): RunStateJSON {
    const json = structuredClone(this.#data);
    if (this.#key !== undefined) json.signature = sign(json, this.#key);
    return json;
  }

  private decide(call: string | { id: string }, decision: ToolCallDecision): this {
    const id = idOf(call);
    const pending = this.#data.pending.find((entry) => entry.id === id);
    if (!pending || pending.approval !== 'required') {
      const waiting = this.undecided.map((i) => `${i.toolCall.id} (${i.toolName})`);
      throw new RunStateError(
        `Call ${JSON.stringify(id)} does not wait for approval in this state. ` +
          (waiting.length > 0 ? `Calls waiting: ${waiting.join(', ')}.` : 'No call waits for approval.'),
      );
    }
    if (pending.decision) {
      throw new RunStateError(`Call ${id} was already ${pending.decision.type === 'approve' ? 'approved' : 'rejected'}; a call takes one decision.`);
    }
    if (this.#data.signature !== undefined && this.#key === undefined) {
      throw new RunStateError('This state is signed: load it with RunState.fromJSON(json, { signingKey }) to record decisions.');
    }
    this.#data.pending = this.#data.pending.map((entry) => (entry === pending ? { ...entry, decision } : entry));
    return this;
  }
}

/**
 * @internal Checks a state the engine is about to resume: a `RunState` (or its JSON), signed with
 * `key` when one is given, and not finished.
 */
export function resumableState(value: unknown, key: SigningKey | undefined): RunStateJSON {
  // A RunState of another copy of the package (CommonJS and ESM) is read through its JSON form.
  const json = typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function' ? (value as RunState).toJSON() : value;
  const data = checkShape(structuredClone(json));
  if (key !== undefined) verify(data, key);
  if (data.next === 'finished') {
    throw new RunStateError(`Run ${data.runId} is finished: there is nothing to resume. Start a new run with its messages (result.toInputList()).`);
  }
  return data;
}

/** A stable fingerprint of a tool definition (what the model was shown). */
export function toolFingerprint(definition: unknown): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('base64url').slice(0, 22);
}

/** The function calls of the state's last assistant message, by id. */
function lastToolCalls(data: RunStateJSON): Map<string, ToolCall> {
  const calls = lastAssistantMessage(data.messages)?.tool_calls ?? [];
  return new Map(calls.filter((call): call is ToolCall => call.type === 'function').map((call) => [call.id, call]));
}

function idOf(call: string | { id: string }): string {
  if (typeof call === 'string') return call;
  if (typeof call === 'object' && call !== null && typeof call.id === 'string') return call.id;
  throw new RunStateError('Pass a tool call id or a tool call ({ id }) to approve() / reject().');
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

function sign(data: RunStateJSON, key: SigningKey): string {
  const { signature: _signature, ...signed } = data;
  return createHmac('sha256', key).update(canonicalJson(signed)).digest('base64url');
}

function verify(data: RunStateJSON, key: SigningKey): void {
  if (typeof data.signature !== 'string') {
    throw new RunStateError('This state is not signed, but a signingKey is set: only states produced by a run with the same signingKey are accepted.');
  }
  const expected = Buffer.from(sign(data, key));
  const given = Buffer.from(data.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new RunStateError(
      'This state was changed after it was signed (its messages, arguments or decisions differ from what the run and approve()/reject() recorded), or it was signed with another key.',
    );
  }
}

/** JSON with object keys sorted, so equal data always gives the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    return Object.fromEntries(Object.keys(item).sort().map((key) => [key, (item as Record<string, unknown>)[key]]));
  });
}

/** Checks that `json` is a state this version reads; names what is wrong. */
function checkShape(json: unknown): RunStateJSON {
  if (typeof json === 'string') {
    throw new RunStateError('RunState.fromJSON takes the parsed object: pass JSON.parse(text), not the text.');
  }
  if (typeof json !== 'object' || json === null || (json as { type?: unknown }).type !== RUN_STATE_TYPE) {
    throw new RunStateError(`Not a run state: expected an object with type "${RUN_STATE_TYPE}" (what JSON.stringify(result.state) produces).`);
  }
  const data = json as Partial<RunStateJSON>;
  if (data.version !== RUN_STATE_VERSION) {
    throw new RunStateError(
      `This run state has format version ${String(data.version)}; this version of chat-cmpl-stream-handler reads version ${RUN_STATE_VERSION}. ` +
        'Resume it with the library version that wrote it, or start a new run from its messages.',
    );
  }
  const problems: string[] = [];
  if (typeof data.runId !== 'string' || data.runId === '') problems.push('runId');
  if (data.next !== 'model' && data.next !== 'tools' && data.next !== 'finished') problems.push('next');
  if (!Number.isInteger(data.iteration) || (data.iteration as number) < 0) problems.push('iteration');
  if (!Array.isArray(data.messages)) problems.push('messages');
  if (!Array.isArray(data.usages)) problems.push('usages');
  if (!Array.isArray(data.completions)) problems.push('completions');
  if (!Array.isArray(data.pending)) problems.push('pending');
  if (typeof data.tools !== 'object' || data.tools === null) problems.push('tools');
  if (problems.length === 0 && data.next === 'tools') {
    const calls = lastToolCalls(data as RunStateJSON);
    for (const pending of data.pending!) {
      if (typeof pending?.id !== 'string' || !calls.has(pending.id)) problems.push(`pending call ${JSON.stringify(pending?.id)} (not a call of the last assistant message)`);
    }
  }
  if (problems.length > 0) throw new RunStateError(`This run state is malformed: check ${problems.join(', ')}.`);
  return data as RunStateJSON;
}
