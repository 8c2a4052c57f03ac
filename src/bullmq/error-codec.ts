import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import * as core from '../index.js';

/** Prefix of the brand symbols the library's error classes carry (see `brandError`). */
const BRAND_PREFIX = 'chat-cmpl-stream-handler.error.';
/** How deep `cause` chains are kept. */
const MAX_CAUSE_DEPTH = 4;
const OWN_FIELDS = new Set(['name', 'message', 'stack', 'cause', 'messages']);

/** An error as it travels between processes: JSON. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
  /** The library brands on its prototype chain, most derived first (`['MaxIterationsReached', 'RunError', 'ChatCmplError']`). */
  brands: string[];
  /** Its other own fields that survive JSON (`maxIterations`, `toolCall`, `status`, `code`, ...). */
  fields: Record<string, unknown>;
  /** `error.messages`: the run's history when it failed. */
  messages?: ChatCompletionMessageParam[] | undefined;
  cause?: SerializedError | { value: unknown } | undefined;
}

/** Turns what a run failed with into JSON; anything that is not an `Error` becomes one with its text. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: typeof error === 'string' ? error : jsonText(error), brands: [], fields: {} };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (OWN_FIELDS.has(key)) continue;
    const value = jsonSafe((error as unknown as Record<string, unknown>)[key]);
    if (value !== undefined) fields[key] = value;
  }
  const messages = (error as { messages?: unknown }).messages;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    brands: brandsOf(error),
    fields,
    ...(Array.isArray(messages) ? { messages: jsonSafe(messages) as ChatCompletionMessageParam[] } : {}),
    ...(cause === undefined || depth >= MAX_CAUSE_DEPTH ? {} : { cause: cause instanceof Error ? serializeError(cause, depth + 1) : { value: jsonSafe(cause) } }),
  };
}

/**
 * Rebuilds an error in this process: an instance of the library's class when this process has it
 * (by brand), else an `Error` whose prototype carries the same brands, so `instanceof` of every library
 * class (`MaxIterationsReached`, `RunError`, `McpToolCallError`, ...) answers as it did in the worker.
 * `name`, `message`, `stack` (the worker's), `messages`, `cause` and the other JSON fields are kept.
 * A foreign error (OpenAI's `APIError`, what a tool threw) becomes an `Error` with its name and fields.
 */
export function rebuildError(serialized: SerializedError): Error {
  const error = Object.create(prototypeFor(serialized.brands)) as Error & Record<string, unknown>;
  define(error, 'message', serialized.message);
  if (error.name !== serialized.name) define(error, 'name', serialized.name);
  if (serialized.stack !== undefined) define(error, 'stack', serialized.stack);
  Object.assign(error, serialized.fields);
  if (serialized.messages) {
    // Like attachMessages: a field of the library's run errors, a hidden property on others.
    if (serialized.brands.includes('RunError')) error['messages'] = serialized.messages;
    else define(error, 'messages', serialized.messages);
  }
  if (serialized.cause) define(error, 'cause', 'brands' in serialized.cause ? rebuildError(serialized.cause) : serialized.cause.value);
  return error;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

function brandsOf(error: Error): string[] {
  const brands: string[] = [];
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const symbol of Object.getOwnPropertySymbols(proto)) {
      const description = symbol.description ?? '';
      if (description.startsWith(BRAND_PREFIX)) brands.push(description.slice(BRAND_PREFIX.length));
    }
  }
  return brands;
}

/** The library's error classes this process has (the core entry's), by brand. */
let knownClasses: Map<string, Function> | undefined;
const syntheticPrototypes = new Map<string, object>();

function prototypeFor(brands: readonly string[]): object {
  if (brands.length === 0) return Error.prototype;
  knownClasses ??= libraryErrorClasses();
  const known = knownClasses.get(brands[0]!);
  if (known) return known.prototype;
  const key = brands.join(',');
  let prototype = syntheticPrototypes.get(key);
  if (!prototype) {
    prototype = Object.create(Error.prototype) as object;
    for (const brand of brands) Object.defineProperty(prototype, Symbol.for(BRAND_PREFIX + brand), { value: true });
    Object.defineProperty(prototype, 'name', { value: brands[0], writable: true, configurable: true });
    syntheticPrototypes.set(key, prototype);
  }
  return prototype;
}

function libraryErrorClasses(): Map<string, Function> {
  const classes = new Map<string, Function>();
  for (const value of Object.values(core as Record<string, unknown>)) {
    if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
    for (const symbol of Object.getOwnPropertySymbols(value.prototype)) {
      if (symbol.description?.startsWith(BRAND_PREFIX)) classes.set(symbol.description.slice(BRAND_PREFIX.length), value);
    }
  }
  return classes;
}

/** `value` as JSON would carry it, or `undefined` when it does not survive JSON. */
function jsonSafe(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
