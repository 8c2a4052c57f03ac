import 'reflect-metadata';
import { ChatCompletionStreamHandler } from './chat-completion-stream-handler.js';
import { HOOKS_METADATA } from './constants.js';
import type { HookRecord } from './hook-decorators.js';
import { HANDLER_METHODS, type HookEventType } from '../run/event-names.js';

const classCache = new WeakMap<object, readonly HookRecord[]>();
const baseMethods = ChatCompletionStreamHandler.prototype as unknown as Record<string, unknown>;

/**
 * The hooks of a handler object, in declaration order: handler methods that are overridden (or, on
 * plain objects, present) and decorated methods. Read once per class and cached.
 */
export function readHooks(handler: object): readonly HookRecord[] {
  const proto = Object.getPrototypeOf(handler);
  if (proto === Object.prototype || proto === null) return collect(handler, null);
  let cached = classCache.get(proto);
  if (!cached) {
    cached = collect(proto, proto.constructor);
    classCache.set(proto, cached);
  }
  const own = ownFunctionHooks(handler);
  return own.length === 0 ? cached : dedupe([...cached, ...own]);
}

const EVENT_BY_METHOD = new Map<string, HookEventType>(
  (Object.entries(HANDLER_METHODS) as [HookEventType, string][]).map(([event, method]) => [method, event]),
);

/** Hooks defined as instance fields (`onContentDelta = (e) => ...`), which live on the object, not the class. */
function ownFunctionHooks(handler: object): HookRecord[] {
  const records: HookRecord[] = [];
  for (const key of Object.keys(handler)) {
    const event = EVENT_BY_METHOD.get(key);
    if (event && typeof (handler as Record<string, unknown>)[key] === 'function') records.push({ event, method: key });
  }
  return records;
}

function dedupe(records: readonly HookRecord[]): HookRecord[] {
  const seen = new Set<string>();
  return records.filter((record) => {
    const key = `${record.event}\u0000${String(record.method)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function collect(source: object, ctor: Function | null): readonly HookRecord[] {
  const records: HookRecord[] = [];
  const methods = source as Record<string, unknown>;
  for (const [event, method] of Object.entries(HANDLER_METHODS) as [HookEventType, string][]) {
    const fn = methods[method];
    if (typeof fn === 'function' && fn !== baseMethods[method]) records.push({ event, method });
  }
  if (ctor) records.push(...decoratedRecords(ctor));
  return dedupe(records);
}

/** Records of the class and its ancestors, ancestors first. */
function decoratedRecords(ctor: Function): HookRecord[] {
  const chain: Function[] = [];
  for (let c: Function | null = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  return chain.flatMap((c) => (Reflect.getOwnMetadata(HOOKS_METADATA, c) as HookRecord[] | undefined) ?? []);
}
