import { HookError } from './errors.js';
import { readHooks } from './hook-metadata-reader.js';
import { STREAM_EVENT_TYPES, type HookEventType } from '../run/event-names.js';
import type { RunInfo } from '../run/run-info.js';

type HookFn = (event: unknown, run: RunInfo) => unknown;

interface BoundHook {
  readonly fn: HookFn;
  /** `Class.method`, for error messages. */
  readonly label: string;
}

const STREAM_TYPES = new Set<string>(STREAM_EVENT_TYPES);

/**
 * Dispatch table of one run: event type → bound hooks of every handler, in registration order
 * (within a handler, its `onEvent`/`@OnEvent` hooks before the specific ones). Built once per run
 * from per-class cached records; looking up an event is one property read.
 */
export class HookTable {
  private readonly table: Partial<Record<string, BoundHook[]>> = Object.create(null);

  constructor(handlers: readonly object[]) {
    for (const handler of handlers) {
      if (typeof handler !== 'object' || handler === null) {
        throw new TypeError(`A stream handler must be an object (a ChatCompletionStreamHandler or a class with hook decorators), got ${handler === null ? 'null' : typeof handler}.`);
      }
      const className = handler.constructor?.name && handler.constructor !== Object ? handler.constructor.name : 'handler';
      const records = readHooks(handler);
      const forEvent = (event: HookEventType): BoundHook[] =>
        records
          .filter((record) => record.event === event)
          .map((record) => {
            const method = (handler as Record<string | symbol, unknown>)[record.method];
            if (typeof method !== 'function') {
              throw new TypeError(`${className}.${String(record.method)} is decorated as a hook but is not a method.`);
            }
            return { fn: method.bind(handler) as HookFn, label: `${className}.${String(record.method)}` };
          });
      const catchAll = forEvent('*');
      const types = new Set<string>(records.map((record) => record.event));
      if (catchAll.length > 0) for (const type of STREAM_TYPES) types.add(type);
      types.delete('*');
      for (const type of types) {
        // Within one handler, `onEvent` / `@OnEvent` hooks come before the specific ones.
        const hooks = STREAM_TYPES.has(type) ? [...catchAll, ...forEvent(type as HookEventType)] : forEvent(type as HookEventType);
        if (hooks.length > 0) (this.table[type] ??= []).push(...hooks);
      }
    }
  }

  /** True when some hook listens to `type`. */
  has(type: string): boolean {
    return this.table[type] !== undefined;
  }

  /**
   * Calls the hooks for `event` in order, each after the previous one settled; returns a promise only
   * when a hook is async (plain promise chaining: this runs for every event).
   * @throws {HookError} naming the hook, the event and the cause.
   */
  dispatch(event: { readonly type: string }, run: RunInfo): void | Promise<void> {
    const hooks = this.table[event.type];
    if (hooks !== undefined) return callFrom(hooks, 0, event, run);
  }
}

function callFrom(hooks: readonly BoundHook[], start: number, event: { readonly type: string }, run: RunInfo): void | Promise<void> {
  for (let i = start; i < hooks.length; i++) {
    const hook = hooks[i]!;
    let returned: unknown;
    try {
      returned = hook.fn(event, run);
    } catch (error) {
      throw new HookError(hook.label, event.type, error);
    }
    if (isThenable(returned)) return awaitFrom(hooks, i, returned, event, run);
  }
}

/** The rest of {@link callFrom} once a hook is async: one async frame awaits each hook in turn. */
async function awaitFrom(
  hooks: readonly BoundHook[],
  index: number,
  pending: PromiseLike<unknown>,
  event: { readonly type: string },
  run: RunInfo,
): Promise<void> {
  for (let i = index; i < hooks.length; i++) {
    const hook = hooks[i]!;
    try {
      await (i === index ? pending : hook.fn(event, run));
    } catch (error) {
      throw new HookError(hook.label, event.type, error);
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
