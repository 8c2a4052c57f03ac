import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';

/**
 * A tool call refused because it was the `limit`th call in a row of the same tool with the same
 * arguments (`repeatedCallLimit`). The model gets this message as the call's result, so it can use
 * the result it already has, change the arguments, or answer; `tool_call.failed` reports it.
 */
export class RepeatedToolCallError extends ChatCmplError {
  static {
    brandError(this, 'RepeatedToolCallError');
  }
  constructor(
    /** The tool's name as the model called it. */
    readonly toolName: string,
    /** How many identical calls in a row this one makes. */
    readonly count: number,
    /** The run's `repeatedCallLimit`. */
    readonly limit: number,
  ) {
    super(
      `Tool "${toolName}" was not called: the same call (same tool, same arguments) was just made ${count - 1} time${count === 2 ? '' : 's'} in a row, ` +
        `and at most ${limit - 1} are allowed (repeatedCallLimit: ${limit}). Calling it again gives the same result: ` +
        'use the result you already have, change the arguments, or answer.',
    );
  }
}

/**
 * The calls of the history's last assistant message (the batch about to run) that are refused: each
 * is compared with the calls made just before it, also in earlier messages of the run. A row is
 * broken by a different call or by a message that is neither an assistant nor a tool message (a new
 * user turn). Arguments are compared as JSON values (key order and spacing do not matter).
 *
 * @returns one entry per call (the error for a refused call), or `undefined` when none is refused.
 */
export function refusedRepeatedCalls(history: readonly ChatCompletionMessageParam[], limit: number): (RepeatedToolCallError | undefined)[] | undefined {
  if (!Number.isFinite(limit)) return undefined;
  const batch = callsOf(history.at(-1));
  if (!batch) return undefined;
  let { key, count } = precedingRow(history, limit);
  let refused: (RepeatedToolCallError | undefined)[] | undefined;
  batch.forEach((call, index) => {
    const callKey = keyOf(call);
    count = callKey === key ? count + 1 : 1;
    key = callKey;
    if (count >= limit) (refused ??= new Array(batch.length))[index] = new RepeatedToolCallError(nameOf(call), count, limit);
  });
  return refused;
}

/** The last call before the batch and how many identical calls in a row end there (at most `limit`). */
function precedingRow(history: readonly ChatCompletionMessageParam[], limit: number): { key: string | undefined; count: number } {
  let key: string | undefined;
  let count = 0;
  for (let m = history.length - 2; m >= 0; m--) {
    const message = history[m]!;
    if (message.role === 'tool') continue;
    const calls = callsOf(message);
    if (!calls) break;
    for (let i = calls.length - 1; i >= 0; i--) {
      const callKey = keyOf(calls[i]!);
      if (key !== undefined && callKey !== key) return { key, count };
      key = callKey;
      if (++count >= limit) return { key, count };
    }
  }
  return { key, count };
}

function callsOf(message: ChatCompletionMessageParam | undefined): readonly ChatCompletionMessageToolCall[] | undefined {
  if (message?.role !== 'assistant') return undefined;
  return message.tool_calls?.length ? message.tool_calls : undefined;
}

function nameOf(call: ChatCompletionMessageToolCall): string {
  return call.type === 'custom' ? call.custom.name : call.function.name;
}

/** Keys of calls already seen: a call of the history is compared again at the next batch. */
const keys = new WeakMap<object, string>();

/** The tool's name and its arguments as normalised JSON (invalid JSON as the raw text). */
function keyOf(call: ChatCompletionMessageToolCall): string {
  let key = keys.get(call);
  if (key === undefined) {
    const input = call.type === 'custom' ? call.custom.input : call.function.arguments;
    key = `${nameOf(call)}\u0000${normalizedJson(input)}`;
    keys.set(call, key);
  }
  return key;
}

function normalizedJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text.trim();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
