import type { ArgumentIssue } from '../errors.js';
import type { JSONSchema, JSONSchemaTypeName } from '../schema/json-schema.js';
import { joinPath } from './field-path.js';

/** The outcome of {@link checkJsonTypes}. */
export interface JsonTypeCheck {
  /** One issue per value of the wrong JSON type and per unknown property. */
  readonly issues: ArgumentIssue[];
  /**
   * Properties removed from the value because something in them had the wrong type (an array goes
   * as a whole when one of its items is wrong): validators would only repeat the problem there.
   */
  readonly removed: string[];
}

/**
 * Checks parsed arguments against the JSON types of the DTO's schema before anything converts them:
 * class-transformer's `@Type(() => Number)` would turn `"abc"` into `NaN` and `12345` into `"12345"`,
 * and a validator such as `@IsNotEmpty()` accepts any type at all. Every value whose JSON type differs
 * from the schema's is reported (`must be a string, got 12345`) and removed, as is every property the
 * schema does not declare, at any depth (`additionalProperties: false`), so neither reaches a
 * `@Transform` or the instance. The value is changed in place.
 */
export function checkJsonTypes(schema: JSONSchema, value: Record<string, unknown>): JsonTypeCheck {
  const check: JsonTypeCheck = { issues: [], removed: [] };
  checkValue(value, schema, schema, '', check);
  return check;
}

/** True when the value may stay: its own type is right (problems inside an object are removed from it). */
function checkValue(value: unknown, schema: JSONSchema, root: JSONSchema, path: string, check: JsonTypeCheck): boolean {
  const resolved = resolveRef(schema, root);
  if (resolved.anyOf !== undefined) {
    // The generator writes a union only for an optional nested DTO: [{ $ref }, { type: 'null' }].
    if (value === null && resolved.anyOf.some((branch) => branch.type === 'null')) return true;
    const branch = resolved.anyOf.find((candidate) => candidate.type !== 'null');
    return branch === undefined || checkValue(value, branch, root, path, check);
  }
  const types = resolved.type === undefined ? undefined : Array.isArray(resolved.type) ? resolved.type : [resolved.type];
  if (types === undefined) return true;
  const actual = jsonTypeOf(value);
  if (!types.some((type) => type === actual || (type === 'number' && actual === 'integer'))) {
    check.issues.push({ path, message: `must be ${expectedTypes(types)}, got ${describe(value)} (type)` });
    return false;
  }
  if (actual === 'object' && resolved.properties !== undefined) {
    checkProperties(value as Record<string, unknown>, resolved, root, path, check);
  } else if (actual === 'array' && resolved.items !== undefined) {
    let valid = true;
    (value as unknown[]).forEach((item, index) => {
      if (!checkValue(item, resolved.items!, root, joinPath(path, index), check)) valid = false;
    });
    return valid;
  }
  return true;
}

function checkProperties(value: Record<string, unknown>, schema: JSONSchema, root: JSONSchema, path: string, check: JsonTypeCheck): void {
  const properties = schema.properties!;
  for (const key of Object.keys(value)) {
    const keyPath = joinPath(path, key);
    const propertySchema = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (propertySchema === undefined) {
      check.issues.push({ path: keyPath, message: `unknown property; the allowed properties are: ${Object.keys(properties).join(', ')} (whitelist)` });
      delete value[key];
    } else if (!checkValue(value[key], propertySchema, root, keyPath, check)) {
      check.removed.push(keyPath);
      delete value[key];
    }
  }
}

function resolveRef(schema: JSONSchema, root: JSONSchema): JSONSchema {
  const ref = schema.$ref;
  if (ref === undefined) return schema;
  if (ref === '#') return root;
  const name = ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined;
  const target = name === undefined ? undefined : root.$defs?.[name];
  if (target === undefined) throw new Error(`Unresolvable $ref ${ref} in a generated schema.`);
  return target;
}

function jsonTypeOf(value: unknown): JSONSchemaTypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JSONSchemaTypeName;
}

const ARTICLES: Record<JSONSchemaTypeName, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function expectedTypes(types: readonly JSONSchemaTypeName[]): string {
  const words = types.map((type) => ARTICLES[type]);
  return words.length <= 1 ? (words[0] ?? 'nothing') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** The value as the model will recognise it: JSON for scalars (long strings shortened), a word otherwise. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}..."` : json;
}
