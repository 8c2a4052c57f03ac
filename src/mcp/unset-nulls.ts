import { followRefs, isSchemaObject, type SchemaObject } from './json-schema.js';

const MAX_DEPTH = 64;

/**
 * Removes the `null`s the model sent for properties the server's schema made optional and does not
 * allow to be null. Strict mode makes every property required, so the model says "not set" with
 * `null`; the server expects the property to be absent. A `null` the original schema allows
 * (a nullable property, a property of any type) is kept.
 */
export function dropUnsetNulls(args: Record<string, unknown>, inputSchema: unknown): Record<string, unknown> {
  return clean(args, inputSchema, inputSchema, 0) as Record<string, unknown>;
}

function clean(value: unknown, schema: unknown, root: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  const resolved = followRefs(schema, root);
  if (!isSchemaObject(resolved)) return value;
  if (Array.isArray(value)) {
    const items = resolved['items'];
    return isSchemaObject(items) ? value.map((item) => clean(item, items, root, depth + 1)) : value;
  }
  if (!isSchemaObject(value)) return value;
  const shape = objectShape(resolved, value, root);
  if (!shape) return value;
  const cleaned: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const propertySchema = shape.properties[key];
    if (propertySchema === undefined) {
      cleaned.push([key, item]);
    } else if (item === null && !shape.required.has(key) && !allowsNull(propertySchema, root, 0)) {
      continue;
    } else {
      cleaned.push([key, clean(item, propertySchema, root, depth + 1)]);
    }
  }
  return Object.fromEntries(cleaned);
}

interface ObjectShape {
  properties: Record<string, unknown>;
  required: Set<string>;
}

/** The properties an object value is checked against: its own, its `allOf` parts', or the matching union branch's. */
function objectShape(schema: SchemaObject, value: SchemaObject, root: unknown): ObjectShape | undefined {
  const parts: SchemaObject[] = [schema];
  for (const part of Array.isArray(schema['allOf']) ? schema['allOf'] : []) {
    const resolved = followRefs(part, root);
    if (isSchemaObject(resolved)) parts.push(resolved);
  }
  const union = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(union)) {
    const branch = union
      .map((candidate) => followRefs(candidate, root))
      .find((candidate): candidate is SchemaObject => isSchemaObject(candidate) && declaresAll(candidate, value));
    if (branch) parts.push(branch);
  }
  const shape: ObjectShape = { properties: {}, required: new Set() };
  for (const part of parts) {
    if (isSchemaObject(part['properties'])) Object.assign(shape.properties, part['properties']);
    if (Array.isArray(part['required'])) part['required'].forEach((key) => typeof key === 'string' && shape.required.add(key));
  }
  return Object.keys(shape.properties).length > 0 ? shape : undefined;
}

function declaresAll(schema: SchemaObject, value: SchemaObject): boolean {
  const properties = schema['properties'];
  return isSchemaObject(properties) && Object.keys(value).every((key) => Object.hasOwn(properties, key));
}

function allowsNull(schema: unknown, root: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  const resolved = followRefs(schema, root);
  if (!isSchemaObject(resolved)) return resolved !== false;
  const type = resolved['type'];
  if (type === 'null' || (Array.isArray(type) && type.includes('null')) || resolved['nullable'] === true) return true;
  if (Array.isArray(resolved['enum'])) return resolved['enum'].includes(null);
  if ('const' in resolved) return resolved['const'] === null;
  const union = resolved['anyOf'] ?? resolved['oneOf'];
  if (Array.isArray(union)) return union.some((branch) => allowsNull(branch, root, depth + 1));
  if (Array.isArray(resolved['allOf'])) return resolved['allOf'].every((part) => allowsNull(part, root, depth + 1));
  // A schema that names no type accepts null as well as anything else.
  return type === undefined && !['properties', 'items', 'pattern', 'minimum', 'maximum'].some((key) => key in resolved);
}
