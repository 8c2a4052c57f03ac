/** A JSON schema node as a plain object. */
export type SchemaObject = Record<string, unknown>;

/** True for a plain (non-array) object. */
export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Resolves a local `$ref` (`#`, `#/$defs/Name`, `#/properties/a/items`, ...) inside `root`, or
 * `undefined` when it is not local or points nowhere.
 */
export function resolveLocalRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let pointer: string;
  try {
    pointer = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = root;
  for (const token of pointer.slice(1).split('/')) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(key)) node = node[Number(key)];
    else if (isSchemaObject(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

/** Follows a chain of `$ref`s to the schema it ends at (at most `limit` hops; cycles give `undefined`). */
export function followRefs(schema: unknown, root: unknown, limit = 32): unknown {
  let node = schema;
  for (let hops = 0; isSchemaObject(node) && typeof node['$ref'] === 'string'; hops++) {
    if (hops >= limit) return undefined;
    node = resolveLocalRef(root, node['$ref']);
  }
  return node;
}
