import { dtoName } from './dto-errors.js';
import { readDtoMetadata } from './dto-metadata.js';
import type { JSONSchema } from './json-schema.js';
import { propertySchema, type RefResolver } from './property-schema.js';

const cache = new WeakMap<Function, JSONSchema>();

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
  let schema = cache.get(dto);
  if (!schema) {
    schema = deepFreeze(buildRootSchema(dto));
    cache.set(dto, schema);
  }
  return schema;
}

function buildRootSchema(root: Function): JSONSchema {
  const names = new Map<Function, string>();
  const defs: Record<string, JSONSchema> = {};
  const refFor: RefResolver = (dto) => {
    if (dto === root) return '#';
    let name = names.get(dto);
    if (name === undefined) {
      name = uniqueName(dtoName(dto), defs);
      names.set(dto, name);
      defs[name] = {}; // reserved before building, so a class that refers back to itself finds its name
      defs[name] = objectSchema(dto, refFor);
    }
    return `#/$defs/${name}`;
  };
  const schema = objectSchema(root, refFor);
  if (names.size > 0) schema.$defs = defs;
  return schema;
}

function objectSchema(dto: Function, refFor: RefResolver): JSONSchema {
  const metadata = readDtoMetadata(dto);
  const properties: Record<string, JSONSchema> = {};
  for (const property of metadata.properties) properties[property.name] = propertySchema(dto, property, refFor);
  return {
    type: 'object',
    ...(metadata.description === undefined ? {} : { description: metadata.description }),
    properties,
    required: metadata.properties.map((property) => property.name),
    additionalProperties: false,
  };
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
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
