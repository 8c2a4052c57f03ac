/**
 * A copy of `value` that survives `JSON.stringify` and means the same after `JSON.parse`: what
 * `JSON.stringify` would keep (honouring `toJSON`, dropping functions, symbols and `undefined`
 * properties), plus `bigint` as a decimal string, `Map` as an object, `Set` as an array, `Error`
 * as `{ name, message }`, and a circular reference as the string `"[Circular]"`. Never throws.
 */
export function toJsonSafe(value: unknown): unknown {
  return copy(value, new Set());
}

function copy(value: unknown, ancestors: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (ancestors.has(value)) return '[Circular]';
  ancestors.add(value);
  try {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return copy((value as { toJSON: () => unknown }).toJSON(), ancestors);
    }
    if (Array.isArray(value)) return value.map((item) => copy(item, ancestors) ?? null);
    if (value instanceof Set) return [...value].map((item) => copy(item, ancestors) ?? null);
    if (value instanceof Map) return copyEntries([...value].map(([key, item]) => [String(key), item]), ancestors);
    if (value instanceof Error) return { name: value.name, message: value.message };
    return copyEntries(Object.entries(value), ancestors);
  } catch {
    return '[Unserializable]';
  } finally {
    ancestors.delete(value);
  }
}

function copyEntries(entries: [string, unknown][], ancestors: Set<object>): Record<string, unknown> {
  const copied: [string, unknown][] = [];
  for (const [key, item] of entries) {
    const safe = copy(item, ancestors);
    if (safe !== undefined) copied.push([key, safe]);
  }
  return Object.fromEntries(copied);
}
