import { isSchemaObject, type SchemaObject } from './json-schema.js';

/**
 * The JSON types a schema allows: its `type` (string or list), else what its keywords imply
 * (`properties` → object, `items` → array, enum values' types, ...), plus `null` for OpenAPI's
 * `nullable: true`. Empty when nothing says.
 */
export function declaredTypes(schema: SchemaObject): string[] {
  const declared = schema['type'];
  let types: string[];
  if (typeof declared === 'string') types = [declared];
  else if (Array.isArray(declared)) types = [...new Set(declared.filter((type): type is string => typeof type === 'string'))];
  else types = inferTypes(schema);
  if (types.length > 0 && schema['nullable'] === true && !types.includes('null')) types.push('null');
  return types;
}

function inferTypes(schema: SchemaObject): string[] {
  const has = (...keys: string[]) => keys.some((key) => schema[key] !== undefined);
  if (has('properties', 'additionalProperties', 'required', 'patternProperties')) return ['object'];
  if (has('items', 'prefixItems', 'minItems', 'maxItems')) return ['array'];
  if (has('pattern', 'minLength', 'maxLength', 'format')) return ['string'];
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf')) return ['number'];
  const values = enumValues(schema);
  if (!values) return [];
  const types = new Set(values.map(jsonTypeOf));
  if (types.has('number')) types.delete('integer');
  return [...types];
}

/** The values an `enum` (narrowed by `const`) or a `const` allows, or `undefined` when there is no such list. */
export function enumValues(schema: SchemaObject): unknown[] | undefined {
  if (Array.isArray(schema['enum'])) {
    return 'const' in schema ? schema['enum'].filter((value) => JSON.stringify(value) === JSON.stringify(schema['const'])) : schema['enum'];
  }
  return 'const' in schema ? [schema['const']] : undefined;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** True when a JSON value is of a schema type (`integer` values also count as `number`). */
export function valueHasType(value: unknown, type: string): boolean {
  const actual = jsonTypeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Copies the keywords that are set from one schema to another. */
export function copyKeywords(from: SchemaObject, to: SchemaObject, keywords: readonly string[]): void {
  for (const keyword of keywords) if (from[keyword] !== undefined) to[keyword] = from[keyword];
}

/** Copies numeric bounds, turning draft 4's boolean `exclusiveMinimum`/`exclusiveMaximum` into numbers. */
export function copyNumberBounds(from: SchemaObject, to: SchemaObject): void {
  copyKeywords(from, to, ['minimum', 'maximum', 'multipleOf']);
  for (const [exclusive, inclusive] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    const value = from[exclusive];
    if (typeof value === 'number') to[exclusive] = value;
    else if (value === true && typeof from[inclusive] === 'number') {
      // Draft 4 spelling: a boolean that makes the neighbouring bound exclusive.
      to[exclusive] = from[inclusive];
      delete to[inclusive];
    }
  }
}

/** True when the (converted) schema lets `null` through. */
export function isNullable(schema: SchemaObject): boolean {
  const type = schema['type'];
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  return Array.isArray(schema['anyOf']) && schema['anyOf'].some((branch) => isSchemaObject(branch) && isNullable(branch));
}

/** Lets `null` through as well: how strict mode expresses "optional". */
export function makeNullable(schema: SchemaObject): SchemaObject {
  if (isNullable(schema)) return schema;
  if (typeof schema['type'] === 'string') {
    const nullable: SchemaObject = { ...schema, type: [schema['type'], 'null'] };
    if (Array.isArray(schema['enum'])) nullable['enum'] = [...schema['enum'], null];
    return nullable;
  }
  if (Array.isArray(schema['anyOf'])) return { ...schema, anyOf: [...schema['anyOf'], { type: 'null' }] };
  const { description, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
}
