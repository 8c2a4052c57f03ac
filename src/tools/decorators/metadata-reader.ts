import 'reflect-metadata';
import { CLASS_DESCRIPTION_METADATA, PROPERTY_DESCRIPTIONS_METADATA, TOOLS_METADATA, TOOLSET_METADATA } from './constants.js';
import type { ToolRecord } from './tool.decorator.js';
import type { ToolsetOptions } from './toolset.decorator.js';

/** The `@Toolset` options of a class or its nearest decorated ancestor, `undefined` when there is none. */
export function readToolsetOptions(ctor: Function): Readonly<ToolsetOptions> | undefined {
  return Reflect.getMetadata(TOOLSET_METADATA, ctor);
}

/**
 * The `@Tool` records of a class and its ancestors, ancestors first; a subclass record for a method
 * replaces the ancestor's record for it (keeping its position).
 */
export function readToolRecords(ctor: Function): readonly ToolRecord[] {
  const byMethod = new Map<string | symbol, ToolRecord>();
  for (const c of classChain(ctor)) {
    for (const record of (Reflect.getOwnMetadata(TOOLS_METADATA, c) as ToolRecord[] | undefined) ?? []) byMethod.set(record.method, record);
  }
  return [...byMethod.values()];
}

/** Property descriptions from `@Describe`, ancestors first, a subclass overriding its ancestors. */
export function readPropertyDescriptions(ctor: Function): ReadonlyMap<string | symbol, unknown> {
  const merged = new Map<string | symbol, unknown>();
  for (const c of classChain(ctor)) {
    const own: ReadonlyMap<string | symbol, unknown> | undefined = Reflect.getOwnMetadata(PROPERTY_DESCRIPTIONS_METADATA, c);
    for (const [property, text] of own ?? []) merged.set(property, text);
  }
  return merged;
}

/** The class's own `@Describe` text (not inherited: a subclass is a different schema). */
export function readClassDescription(ctor: Function): unknown {
  return Reflect.getOwnMetadata(CLASS_DESCRIPTION_METADATA, ctor);
}

/** `ctor` and its ancestor classes, the root ancestor first. */
export function classChain(ctor: Function): Function[] {
  const chain: Function[] = [];
  for (let c: Function | null = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  return chain;
}
