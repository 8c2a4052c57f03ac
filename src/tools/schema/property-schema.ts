import { MATCHES, ValidationTypes } from 'class-validator';
import { dtoError } from './dto-errors.js';
import { validatorName, type DtoProperty, type ValidatorRecord } from './dto-metadata.js';
import type { JSONSchema, JSONSchemaTypeName } from './json-schema.js';
import { unsatisfiableBecause } from './satisfiable.js';
import { validationRecords } from './validation-records.js';
import { ISO_DATE_VALIDATORS, matchesPattern, mergeKeyword, VALIDATOR_RULES, type ValueKind } from './validator-rules.js';

/** Returns the `$ref` of a nested DTO class, adding it to the root's `$defs` on first use. */
export type RefResolver = (dto: Function) => string;

type Fail = (problem: string) => Error;

const NO_METADATA_HINT =
  'there is no decorator metadata (emitDecoratorMetadata is off, or the code was compiled by esbuild/tsx/swc)';
const TYPE_VALIDATORS = '@IsString(), @IsNumber(), @IsInt(), @IsBoolean(), @IsIn([...]), @IsEnum(E), @ValidateNested() + @Type(() => Dto)';
const TYPES_CLASS_TRANSFORMER_CONVERTS = new Set<unknown>([Date, String, Number, Boolean]);

/**
 * The JSON schema of one DTO property's value: its type and constraints from the validators and its
 * `@Describe` text (followed by what the schema cannot state, such as a second `@Matches`). Not yet
 * nullable: whether an `@IsOptional()` property becomes nullable depends on the schema's dialect.
 *
 * @throws {ToolConfigurationError} naming the class and property when the type cannot be expressed,
 *   contradicts the property's declared type, or no value could satisfy the schema.
 */
export function propertySchema(dto: Function, property: DtoProperty, refFor: RefResolver): JSONSchema {
  const fail: Fail = (problem) => dtoError(dto, property.name, problem);
  const core = isArrayProperty(property) ? arraySchema(property, refFor, fail) : valueSchema(property.validators, valueSource(property, false), refFor, fail);
  if (property.description === undefined) return core;
  const notes = core.description;
  return inKeywordOrder({ ...core, description: notes === undefined ? property.description : `${property.description} (${notes})` });
}

/** Where a value's type can come from besides its validators. */
interface ValueSource {
  readonly nested: boolean;
  readonly typeHint: DtoProperty['typeHint'];
  /** `design:type`; not available for array items. */
  readonly designType: Function | undefined;
  /** A `@Transform` converts the value, so its validators need not match its declared type. */
  readonly transformed: () => boolean;
  /** Describes the value in messages: `the property` or `each item`. */
  readonly what: string;
}

function valueSource(property: DtoProperty, items: boolean): ValueSource {
  return {
    nested: property.nested,
    typeHint: property.typeHint,
    designType: items ? undefined : property.designType,
    transformed: property.transformed,
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

function arraySchema(property: DtoProperty, refFor: RefResolver, fail: Fail): JSONSchema {
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
    property.nested ||
    itemValidators.some((record) => {
      const rule = VALIDATOR_RULES[validatorName(record)];
      return rule?.kind !== undefined || rule?.values !== undefined;
    });
  if (!hasItemType) {
    throw fail(
      'is an array, but nothing says what its items are. Add a type validator with `each: true` ' +
        '(e.g. @IsString({ each: true }), @IsInt({ each: true })), or @ValidateNested({ each: true }) + @Type(() => ItemDto).',
    );
  }
  const schema: JSONSchema = { type: 'array', items: valueSchema(itemValidators, valueSource(property, true), refFor, fail) };
  applyKeywords(schema, property.validators, 'array', fail);
  assertSatisfiable(schema, property.validators, fail);
  return inKeywordOrder(schema);
}

function valueSchema(validators: readonly ValidatorRecord[], source: ValueSource, refFor: RefResolver, fail: Fail): JSONSchema {
  const hinted = source.typeHint?.resolve();
  if (source.nested) return nestedSchema(validators, source, hinted, refFor, fail);
  const valueClass = typeof hinted === 'function' && !TYPES_CLASS_TRANSFORMER_CONVERTS.has(hinted) ? hinted : undefined;
  if (valueClass !== undefined && validationRecords(valueClass).length > 0) {
    throw fail(
      `has @Type(() => ${valueClass.name}) but no @ValidateNested(), so the fields of ${valueClass.name} would never be validated. ` +
        `Add ${source.what === 'each item' ? '@ValidateNested({ each: true })' : '@ValidateNested()'}.`,
    );
  }

  const allowed = allowedValues(validators, fail);
  const declared = declaredKind(validators, fail);
  let kind = declared?.kind;
  if (declared !== undefined) assertDeclaredTypeAgrees(declared.kind, declared.record, source, fail);
  if (kind === undefined && allowed === undefined) {
    if (valueClass !== undefined) {
      throw fail(
        `has @Type(() => ${valueClass.name}), a value class rather than a DTO (it has no class-validator decorators), and no type ` +
          `validator. The model sends JSON: add a type validator for what it sends (e.g. @IsNumberString() or @IsNumber()) and ` +
          `build the ${valueClass.name} in the method (a @Transform would run before that validator).`,
      );
    }
    kind = kindFromDesignType(source, fail);
  }
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
  applyKeywords(schema, validators, kind ?? jsonKindOf(schema), fail);
  assertSatisfiable(schema, validators, fail);
  return inKeywordOrder(schema);
}

function nestedSchema(validators: readonly ValidatorRecord[], source: ValueSource, hinted: unknown, refFor: RefResolver, fail: Fail): JSONSchema {
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

/** The kind the validators require and the first validator that requires it; `undefined` when none says. */
function declaredKind(validators: readonly ValidatorRecord[], fail: Fail): { kind: ValueKind; record: ValidatorRecord } | undefined {
  let first: { kind: ValueKind; record: ValidatorRecord } | undefined;
  for (const record of validators) {
    const kind = VALIDATOR_RULES[validatorName(record)]?.kind;
    if (kind === undefined) continue;
    if (first === undefined || (first.kind === 'number' && kind === 'integer')) {
      // `@IsInt()` with `@Min()`: an integer with a lower bound.
      first = { kind, record };
    } else if (first.kind !== kind && !(first.kind === 'integer' && kind === 'number')) {
      throw fail(`has conflicting types: ${decoratorLabel(first.record)} needs ${article(first.kind)}, ${decoratorLabel(record)} ${article(kind)}.`);
    }
  }
  return first;
}

/** The TypeScript primitive a `design:type` stands for. */
const DECLARED_PRIMITIVES = new Map<unknown, 'string' | 'number' | 'boolean'>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
]);

/**
 * A validator that accepts only strings on a property declared `number` (`@IsNumberString() amount: number`)
 * hands the method a value of the wrong type, or, the other way round, no value passes at all: refused,
 * unless a `@Transform` converts between the two.
 */
function assertDeclaredTypeAgrees(kind: ValueKind, record: ValidatorRecord, source: ValueSource, fail: Fail): void {
  const declared = DECLARED_PRIMITIVES.get(source.designType);
  const validated = kind === 'integer' ? 'number' : kind;
  if (declared === undefined || validated === declared || !(validated === 'string' || validated === 'number' || validated === 'boolean')) return;
  if (source.transformed()) return;
  throw fail(
    `${decoratorLabel(record)} accepts only ${plural(kind)}, but the property is declared as ${declared}: the schema and the validator ` +
      `would ask for ${article(kind)}, and the method would receive one typed as ${article(declared)}. Declare the property as ${validated} ` +
      `(and convert it in the method), use a validator for ${plural(declared)}, or convert the value with @Transform.`,
  );
}

function kindFromDesignType(source: ValueSource, fail: Fail): ValueKind {
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
  if (validationRecords(type).length === 0) {
    throw fail(
      `is of class ${type.name}, a value class rather than a DTO (it has no class-validator decorators). The model sends JSON: ` +
        `add a type validator for what it sends (e.g. @IsNumberString() or @IsNumber()) and build the ${type.name} in the method ` +
        `(a @Transform would run before that validator).`,
    );
  }
  throw fail(
    `is of class ${type.name} but has no @ValidateNested() and @Type(() => ${type.name}); ` +
      `add both if ${type.name} is a DTO, or use a type validator (${TYPE_VALIDATORS}).`,
  );
}

/** The values every `@IsIn` / `@IsEnum` / `@Equals` of the value accepts (their intersection). */
function allowedValues(validators: readonly ValidatorRecord[], fail: Fail): unknown[] | undefined {
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

function enumSchema(values: readonly unknown[], kind: ValueKind | undefined, fail: Fail): JSONSchema {
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

/**
 * Adds the validators' keywords. The first `@Matches` that JSON Schema can state becomes `pattern`;
 * every other one (several patterns, or one with flags) is named in the description, and all of
 * them are enforced by validation. A pattern also takes the place of the `date-time` format of
 * `@IsDateString()` / `@IsISO8601()`, which accept dates with or without a time: the pattern says which.
 */
function applyKeywords(schema: JSONSchema, validators: readonly ValidatorRecord[], kind: ValueKind, fail: Fail): void {
  let notes: string[] | undefined;
  let isoDate = false;
  for (const record of validators) {
    const name = validatorName(record);
    if (name === MATCHES) {
      const pattern = matchesPattern(record.constraints ?? []);
      if (pattern.expressible && schema.pattern === undefined) schema.pattern = pattern.source;
      else (notes ??= []).push(`must match ${pattern.literal}`);
      continue;
    }
    if (ISO_DATE_VALIDATORS.has(name)) isoDate = true;
    const keywords = VALIDATOR_RULES[name]?.keywords?.(record.constraints ?? [], kind);
    if (keywords === undefined) continue;
    for (const keyword in keywords) {
      const conflict = mergeKeyword(schema, keyword, keywords[keyword]);
      if (conflict !== undefined) {
        throw fail(`has validators that need ${conflict}; a schema can state only one. Combine them into one validator.`);
      }
    }
  }
  if (isoDate && schema.format === 'date-time' && (schema.pattern !== undefined || notes !== undefined)) delete schema.format;
  if (notes !== undefined) schema.description = notes.join('; ');
}

function assertSatisfiable(schema: JSONSchema, validators: readonly ValidatorRecord[], fail: Fail): void {
  const because = unsatisfiableBecause(schema);
  if (because === undefined) return;
  const isoDate = schema.format === 'date-time' && validators.some((record) => ISO_DATE_VALIDATORS.has(validatorName(record)));
  const hint = isoDate
    ? ' For a date without a time, replace the length limits with @Matches(/^\\d{4}-\\d{2}-\\d{2}$/) next to the date validator.'
    : ' Loosen or remove the validator that contradicts the others.';
  throw fail(`accepts no value: ${because}.${hint}`);
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

const KEYWORD_RANK = new Map(KEYWORD_ORDER.map((keyword, rank) => [keyword, rank]));

function inKeywordOrder(schema: JSONSchema): JSONSchema {
  let previous = -1;
  let sorted = true;
  for (const keyword in schema) {
    const rank = KEYWORD_RANK.get(keyword) ?? KEYWORD_ORDER.length;
    if (rank < previous) {
      sorted = false;
      break;
    }
    previous = rank;
  }
  if (sorted) return schema;
  const ordered: JSONSchema = {};
  for (const keyword of KEYWORD_ORDER) if (schema[keyword] !== undefined) ordered[keyword] = schema[keyword];
  for (const keyword in schema) if (!(keyword in ordered)) ordered[keyword] = schema[keyword];
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

function plural(kind: ValueKind): string {
  return { string: 'strings', number: 'numbers', integer: 'integers', boolean: 'booleans', array: 'arrays', object: 'objects', date: 'Dates' }[kind];
}

/** `@IsString()` for a validator record, as the user wrote it (approximately). */
function decoratorLabel(record: ValidatorRecord, each = false): string {
  const name = validatorName(record);
  const special: Record<string, string> = { isLength: 'Length', isUuid: 'IsUUID', isIso8601: 'IsISO8601', isFqdn: 'IsFQDN', isIp: 'IsIP', isUrl: 'IsUrl', isJson: 'IsJSON' };
  const label = special[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
  return `@${label}(${each ? '{ each: true }' : ''})`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}
