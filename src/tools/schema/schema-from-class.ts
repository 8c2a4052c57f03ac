import { dtoName } from './dto-errors.js';
import { readDtoMetadata } from './dto-metadata.js';
import type { JSONSchema } from './json-schema.js';
import { nullable, propertySchema, type RefResolver } from './property-schema.js';

/**
 * The forms a DTO's schema comes in:
 * - `'openai-strict'`: what OpenAI strict mode accepts (tool parameters, `response_format`): every
 *   property in `required`, `@IsOptional()` ones nullable (the model sends `null` to leave them out).
 * - `'2020-12'`: plain JSON Schema 2020-12 (MCP tool `inputSchema` / `outputSchema`): `$schema` set,
 *   only the non-optional properties in `required`, optional ones not nullable.
 *
 * Both are built from the same reading of the DTO's decorators, close every object with
 * `additionalProperties: false` (unknown properties fail validation) and put nested DTOs under
 * `$defs`, keyed by class name (`Name_2`, ... when two classes share one), `#` for the root itself.
 */
export type SchemaDialect = 'openai-strict' | '2020-12';

/** Options of {@link jsonSchemaFromClass}. */
export interface JsonSchemaFromClassOptions {
  /** The form of the schema. Default `'openai-strict'`, the same schema as {@link schemaFromClass}. */
  dialect?: SchemaDialect;
}

/** The `$schema` of the `'2020-12'` form. */
export const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

const caches: Record<SchemaDialect, WeakMap<Function, JSONSchema>> = { 'openai-strict': new WeakMap(), '2020-12': new WeakMap() };

/**
 * The strict JSON schema of a DTO class, read from its class-validator / class-transformer
 * decorators and `@Describe` texts: every object `additionalProperties: false` with all properties
 * required, `@IsOptional()` properties nullable, nested DTOs in `$defs` (recursion through `$ref`).
 * Built once per class; the returned object is frozen (clone it to edit).
 *
 * @example
 * ```ts
 * class GetWeather {
 *   @Describe('City name, e.g. Tokyo') @IsString() @Length(1, 80) city!: string;
 *   @IsOptional() @IsIn(['c', 'f']) unit?: 'c' | 'f';
 * }
 * schemaFromClass(GetWeather);
 * // { type: 'object', properties: { city: { type: 'string', description: 'City name, e.g. Tokyo', minLength: 1, maxLength: 80 },
 * //   unit: { type: ['string', 'null'], enum: ['c', 'f', null] } }, required: ['city', 'unit'], additionalProperties: false }
 * ```
 *
 * @throws {ToolConfigurationError} naming the class and property when a property's type cannot be
 *   expressed (never a silent `{}`), or when the class has no class-validator decorators.
 */
export function schemaFromClass(dto: new () => any): JSONSchema {
  return jsonSchemaFromClass(dto);
}

/**
 * The JSON schema of a DTO class in the given form (see {@link SchemaDialect}): `'openai-strict'`
 * (the default, as {@link schemaFromClass}) or `'2020-12'`, the form MCP tools publish as
 * `inputSchema` and `outputSchema`. Built once per class and form; the returned object is frozen.
 *
 * @example
 * ```ts
 * jsonSchemaFromClass(GetWeather, { dialect: '2020-12' });
 * // { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object',
 * //   properties: { city: { type: 'string', description: 'City name, e.g. Tokyo', minLength: 1, maxLength: 80 },
 * //     unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false }
 * ```
 *
 * @throws {ToolConfigurationError} as {@link schemaFromClass}.
 */
export function jsonSchemaFromClass(dto: new () => any, options: JsonSchemaFromClassOptions = {}): JSONSchema {
  const dialect = options.dialect ?? 'openai-strict';
  const cache = caches[dialect];
  if (cache === undefined) {
    throw new TypeError(`Unknown schema dialect ${JSON.stringify(dialect)}: use 'openai-strict' or '2020-12'.`);
  }
  let schema = cache.get(dto);
  if (!schema) {
    schema = deepFreeze(buildRootSchema(dto, dialect));
    cache.set(dto, schema);
  }
  return schema;
}

function buildRootSchema(root: Function, dialect: SchemaDialect): JSONSchema {
  const names = new Map<Function, string>();
  const defs: Record<string, JSONSchema> = {};
  const refFor: RefResolver = (dto) => {
    if (dto === root) return '#';
    let name = names.get(dto);
    if (name === undefined) {
      name = uniqueName(dtoName(dto), defs);
      names.set(dto, name);
      defs[name] = {}; // reserved before building, so a class that refers back to itself finds its name
      defs[name] = objectSchema(dto, refFor, dialect);
    }
    return `#/$defs/${name}`;
  };
  const schema = objectSchema(root, refFor, dialect);
  if (names.size > 0) schema.$defs = defs;
  return dialect === '2020-12' ? { $schema: JSON_SCHEMA_2020_12, ...schema } : schema;
}

function objectSchema(dto: Function, refFor: RefResolver, dialect: SchemaDialect): JSONSchema {
  const metadata = readDtoMetadata(dto);
  const strict = dialect === 'openai-strict';
  const properties: Record<string, JSONSchema> = {};
  const required: string[] = [];
  for (const property of metadata.properties) {
    const schema = propertySchema(dto, property, refFor);
    properties[property.name] = strict && property.optional ? nullable(schema) : schema;
    if (strict || !property.optional) required.push(property.name);
  }
  const schema: JSONSchema = { type: 'object' };
  if (metadata.description !== undefined) schema.description = metadata.description;
  schema.properties = properties;
  schema.required = required;
  schema.additionalProperties = false;
  return schema;
}

/** `name`, or `name_2`, `name_3`, ... when two different classes share a name. */
function uniqueName(name: string, taken: Record<string, unknown>): string {
  if (!Object.hasOwn(taken, name)) return name;
  let n = 2;
  while (Object.hasOwn(taken, `${name}_${n}`)) n++;
  return `${name}_${n}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}
