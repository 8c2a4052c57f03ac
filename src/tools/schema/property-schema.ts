import { ValidationTypes } from 'class-validator';
import { dtoError } from './dto-errors.js';
import { validatorName, type DtoProperty, type ValidatorRecord } from './dto-metadata.js';
import type { JSONSchema, JSONSchemaTypeName } from './json-schema.js';
import { mergeKeyword, VALIDATOR_RULES, type ValueKind } from './validator-rules.js';

/** Returns the `$ref` of a nested DTO class, adding it to the root's `$defs` on first use. */
export type RefResolver = (dto: Function) => string;

const NO_METADATA_HINT =
  'there is no decorator metadata (emitDecoratorMetadata is off, or the code was compiled by esbuild/tsx/swc)';
const TYPE_VALIDATORS = '@IsString(), @IsNumber(), @IsInt(), @IsBoolean(), @IsIn([...]), @IsEnum(E), @ValidateNested() + @Type(() => Dto)';

/**
 * The strict JSON schema of one DTO property: its type and constraints from the validators, its
 * `@Describe` text, nullable when `@IsOptional()`.
 *
 * @throws {ToolConfigurationError} naming the class and property when the type cannot be expressed.
 */
export function propertySchema(dto: Function, property: DtoProperty, refFor: RefResolver): JSONSchema {
  const fail = (problem: string) => dtoError(dto, property.name, problem);
  const core = isArrayProperty(property) ? arraySchema(property, refFor, fail) : valueSchema(property.validators, valueSource(property, false), refFor, fail);
  const described = property.description === undefined ? core : { ...core, description: property.description };
  return inKeywordOrder(property.optional ? nullable(described) : described);
}

/** Where a value's type can come from besides its validators. */
interface ValueSource {
  readonly nested: boolean;
  readonly typeHint: DtoProperty['typeHint'];
  /** `design:type`; not available for array items. */
  readonly designType: Function | undefined;
  /** Describes the value in messages: `the property` or `each item`. */
  readonly what: string;
}

function valueSource(property: DtoProperty, items: boolean): ValueSource {
  return {
    nested: property.nested,
    typeHint: property.typeHint,
    designType: items ? undefined : property.designType,
    what: items ? 'each item' : 'the property',
  };
}

function isArrayProperty(property: DtoProperty): boolean {
  return (
    property.designType === Array ||
    property.eachValidators.length > 0 ||
    property.validators.some((record) => VALIDATOR_RULES[validatorName(record)]?.kind === 'array')
  );
}

function arraySchema(property: DtoProperty, refFor: RefResolver, fail: (problem: string) => Error): JSONSchema {
  for (const record of property.validators) {
    const kind = VALIDATOR_RULES[validatorName(record)]?.kind;
    if (kind !== undefined && kind !== 'array') {
      throw fail(
        `${decoratorLabel(record)} checks the whole value, but the property is an array. ` +
          `Use ${decoratorLabel(record, true)} to check each item.`,
      );
    }
  }
  const itemValidators = property.eachValidators.filter((record) => record.type !== ValidationTypes.NESTED_VALIDATION);
  const hasItemType =
    property.nested || itemValidators.some((record) => VALIDATOR_RULES[validatorName(record)]?.kind !== undefined || VALIDATOR_RULES[validatorName(record)]?.values !== undefined);
  if (!hasItemType) {
    throw fail(
      'is an array, but nothing says what its items are. Add a type validator with `each: true` ' +
        '(e.g. @IsString({ each: true }), @IsInt({ each: true })), or @ValidateNested({ each: true }) + @Type(() => ItemDto).',
    );
  }
  const schema: JSONSchema = { type: 'array', items: inKeywordOrder(valueSchema(itemValidators, valueSource(property, true), refFor, fail)) };
  applyKeywords(schema, property.validators, 'array', fail);
  return schema;
}

function valueSchema(validators: readonly ValidatorRecord[], source: ValueSource, refFor: RefResolver, fail: (problem: string) => Error): JSONSchema {
  const hinted = source.typeHint?.resolve();
  if (source.nested) return nestedSchema(validators, source, hinted, refFor, fail);
  if (typeof hinted === 'function' && ![Date, String, Number, Boolean].includes(hinted as never)) {
    throw fail(
      `has @Type(() => ${hinted.name}) but no @ValidateNested(), so the fields of ${hinted.name} would never be validated. ` +
        `Add ${source.what === 'each item' ? '@ValidateNested({ each: true })' : '@ValidateNested()'}.`,
    );
  }

  const allowed = allowedValues(validators, fail);
  const kind = declaredKind(validators, fail) ?? (allowed === undefined ? kindFromDesignType(source, fail) : undefined);
  if (kind === 'date') {
    if (hinted !== Date) {
      throw fail('has @IsDate() but no @Type(() => Date): the model sends dates as strings, so add @Type(() => Date) to turn them into Dates.');
    }
    return { type: 'string', format: 'date-time' };
  }
  if (kind === 'object') {
    throw fail(
      'is a free-form object, which a strict schema cannot express (every object needs known properties). ' +
        'Declare a DTO class for it and use @ValidateNested() + @Type(() => ThatDto).',
    );
  }
  if (kind === 'array') {
    throw fail(`${source.what} is an array; arrays of arrays cannot be expressed. Wrap the inner array in a DTO class.`);
  }
  const schema: JSONSchema = allowed === undefined ? { type: kind as JSONSchemaTypeName } : enumSchema(allowed, kind, fail);
  const resolved: ValueKind = kind ?? jsonKindOf(schema);
  applyKeywords(schema, validators, resolved, fail);
  return schema;
}

function nestedSchema(validators: readonly ValidatorRecord[], source: ValueSource, hinted: unknown, refFor: RefResolver, fail: (problem: string) => Error): JSONSchema {
  if (source.typeHint === undefined) {
    throw fail(
      'has @ValidateNested() but no @Type(() => ItemClass) from class-transformer; without it the arguments stay plain objects ' +
        'that cannot be validated. Add @Type(() => YourDto).',
    );
  }
  if (source.typeHint.discriminated) {
    throw fail('uses @Type with a discriminator (polymorphic values), which this library cannot express in a strict schema. Use one DTO class.');
  }
  if (typeof hinted !== 'function') {
    throw fail(`has @Type(() => ...) returning ${hinted === undefined ? 'undefined (a class used before its declaration?)' : typeof hinted}, expected a class.`);
  }
  for (const record of validators) {
    const rule = VALIDATOR_RULES[validatorName(record)];
    if ((rule?.kind !== undefined && rule.kind !== 'object') || rule?.values !== undefined) {
      throw fail(`has @ValidateNested() (an object of ${hinted.name}) and ${decoratorLabel(record)}, which cannot both hold.`);
    }
  }
  return { $ref: refFor(hinted) };
}

/** The kind the validators require, `undefined` when none says. */
function declaredKind(validators: readonly ValidatorRecord[], fail: (problem: string) => Error): ValueKind | undefined {
  const kinds = new Map<ValueKind, ValidatorRecord>();
  for (const record of validators) {
    const kind = VALIDATOR_RULES[validatorName(record)]?.kind;
    if (kind !== undefined && !kinds.has(kind)) kinds.set(kind, record);
  }
  // `@IsInt()` with `@Min()`: an integer with a lower bound.
  if (kinds.has('integer')) kinds.delete('number');
  if (kinds.size > 1) {
    const [[firstKind, first], [secondKind, second]] = [...kinds];
    throw fail(`has conflicting types: ${decoratorLabel(first!)} needs ${article(firstKind!)}, ${decoratorLabel(second!)} ${article(secondKind!)}.`);
  }
  const [declared] = kinds.keys();
  return declared;
}

function kindFromDesignType(source: ValueSource, fail: (problem: string) => Error): ValueKind {
  const type = source.designType;
  if (type === String) return 'string';
  if (type === Number) return 'number';
  if (type === Boolean) return 'boolean';
  if (type === undefined) {
    throw fail(`cannot tell its type: it has no type validator and ${NO_METADATA_HINT}. Add one of ${TYPE_VALIDATORS}.`);
  }
  if (type === Object) {
    throw fail(
      `cannot tell its type: its TypeScript type (a union, an interface, \`any\` or \`object\`) is not visible at runtime. Add one of ${TYPE_VALIDATORS}.`,
    );
  }
  if (type === Date) {
    throw fail('is a Date: add @IsDate() and @Type(() => Date) (the model sends an ISO date-time string), or make it a string with @IsDateString().');
  }
  throw fail(
    `is of class ${type.name} but has no @ValidateNested() and @Type(() => ${type.name}); ` +
      `add both if ${type.name} is a DTO, or use a type validator (${TYPE_VALIDATORS}).`,
  );
}

/** The values every `@IsIn` / `@IsEnum` / `@Equals` of the value accepts (their intersection). */
function allowedValues(validators: readonly ValidatorRecord[], fail: (problem: string) => Error): unknown[] | undefined {
  let allowed: unknown[] | undefined;
  for (const record of validators) {
    const values = VALIDATOR_RULES[validatorName(record)]?.values?.(record.constraints ?? []);
    if (values === undefined) continue;
    for (const value of values) {
      if (!['string', 'number', 'boolean'].includes(typeof value) || (typeof value === 'number' && !Number.isFinite(value))) {
        throw fail(`${decoratorLabel(record)} allows ${describeValue(value)}; only strings, finite numbers and booleans can be listed in a schema.`);
      }
    }
    allowed = allowed === undefined ? [...values] : allowed.filter((value) => values.includes(value));
  }
  if (allowed !== undefined && allowed.length === 0) {
    throw fail('accepts no value at all: its @IsIn / @IsEnum / @Equals lists have nothing in common (or are empty).');
  }
  return allowed;
}

function enumSchema(values: readonly unknown[], kind: ValueKind | undefined, fail: (problem: string) => Error): JSONSchema {
  const types = new Set<JSONSchemaTypeName>(values.map(jsonTypeOf));
  if (types.has('integer') && types.has('number')) types.delete('integer');
  if (kind !== undefined) {
    const fits = [...types].every((type) => type === kind || (kind === 'number' && type === 'integer'));
    if (!fits) throw fail(`must be ${article(kind)}, but its allowed values ${JSON.stringify(values)} are not all of that type.`);
    return { type: kind as JSONSchemaTypeName, enum: [...values] as JSONSchema['enum'] };
  }
  const [only] = types;
  return { type: types.size === 1 ? only : [...types], enum: [...values] as JSONSchema['enum'] };
}

function applyKeywords(schema: JSONSchema, validators: readonly ValidatorRecord[], kind: ValueKind, fail: (problem: string) => Error): void {
  for (const record of validators) {
    const keywords = VALIDATOR_RULES[validatorName(record)]?.keywords?.(record.constraints ?? [], kind);
    for (const [keyword, value] of Object.entries(keywords ?? {})) {
      const conflict = mergeKeyword(schema, keyword, value);
      if (conflict !== undefined) {
        throw fail(`has validators that need ${conflict}; a schema can state only one. Combine them into one validator.`);
      }
    }
  }
}

/** Makes a schema accept `null` too: how strict mode expresses an optional property. */
export function nullable(schema: JSONSchema): JSONSchema {
  if (schema.$ref !== undefined) {
    const { $ref, ...annotations } = schema;
    return { anyOf: [{ $ref }, { type: 'null' }], ...annotations };
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type!];
  const result: JSONSchema = { ...schema, type: [...types, 'null'] };
  if (schema.enum !== undefined) result.enum = [...schema.enum, null];
  return result;
}

/** The order keywords are written in, whatever order the decorators ran in: stable, readable schemas. */
const KEYWORD_ORDER = [
  'type', 'anyOf', '$ref', 'description', 'enum', 'format', 'pattern', 'minLength', 'maxLength',
  'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'multipleOf', 'items', 'minItems', 'maxItems',
];

function inKeywordOrder(schema: JSONSchema): JSONSchema {
  const ordered: JSONSchema = {};
  for (const keyword of KEYWORD_ORDER) if (schema[keyword] !== undefined) ordered[keyword] = schema[keyword];
  for (const [keyword, value] of Object.entries(schema)) if (!(keyword in ordered)) ordered[keyword] = value;
  return ordered;
}

function jsonTypeOf(value: unknown): JSONSchemaTypeName {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JSONSchemaTypeName;
}

function jsonKindOf(schema: JSONSchema): ValueKind {
  return (Array.isArray(schema.type) ? schema.type[0] : schema.type) as ValueKind;
}

function article(kind: ValueKind): string {
  return { string: 'a string', number: 'a number', integer: 'an integer', boolean: 'a boolean', array: 'an array', object: 'an object', date: 'a Date' }[kind];
}

/** `@IsString()` for a validator record, as the user wrote it (approximately). */
function decoratorLabel(record: ValidatorRecord, each = false): string {
  const name = validatorName(record);
  const special: Record<string, string> = { isLength: 'Length', isUuid: 'IsUUID', isIso8601: 'IsISO8601', isFqdn: 'IsFQDN', isIp: 'IsIP' };
  const label = special[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
  return `@${label}(${each ? '{ each: true }' : ''})`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}
