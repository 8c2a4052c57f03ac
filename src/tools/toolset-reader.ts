import type { Tool } from './tool.js';

/**
 * Returns the tools of an instance of a `@Toolset` class, or `undefined` when the object is not one.
 * (Filled in by the decorator layer.)
 */
export function toolsFromToolsetIfDecorated<C>(_instance: unknown): Tool<C>[] | undefined {
  return undefined;
}
