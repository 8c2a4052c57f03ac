import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  ARRAY_NOT_EMPTY,
  ARRAY_UNIQUE,
  EQUALS,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_DATE,
  IS_DATE_STRING,
  IS_DIVISIBLE_BY,
  IS_EMAIL,
  IS_ENUM,
  IS_FQDN,
  IS_IN,
  IS_INT,
  IS_IP,
  IS_ISO8601,
  IS_LENGTH,
  IS_NEGATIVE,
  IS_NOT_EMPTY,
  IS_NUMBER,
  IS_OBJECT,
  IS_POSITIVE,
  IS_STRING,
  IS_UUID,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
} from 'class-validator';
import type { JSONSchema } from './json-schema.js';

/** What kind of JSON value a validator requires. */
export type ValueKind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'date';

/** How one class-validator validator shows up in a JSON schema. */
export interface ValidatorRule {
  /** The kind of value the validator accepts (`@Min` only passes numbers). */
  readonly kind?: ValueKind;
  /** Schema keywords for the validator's constraints, given the value's resolved kind. */
  readonly keywords?: (constraints: readonly any[], kind: ValueKind) => JSONSchema | undefined;
  /** The only values the validator accepts (`@IsIn`, `@IsEnum`, `@Equals`). */
  readonly values?: (constraints: readonly any[]) => readonly unknown[];
}

/** `@Length(min, max?)`: `max` may be left out. */
function lengthKeywords([min, max]: readonly any[]): JSONSchema {
  const schema: JSONSchema = {};
  if (min !== undefined && min !== null) schema.minLength = min;
  if (max !== undefined && max !== null) schema.maxLength = max;
  return schema;
}

/** Flags that change what a pattern matches; without them `source` is the same pattern in JSON Schema. */
const MEANINGFUL_REGEX_FLAGS = /[imsv]/;

/** A `@Matches` regular expression as the schema can state it. */
export interface MatchesPattern {
  /** The pattern's source, as JSON Schema's `pattern` takes it. */
  readonly source: string;
  /** The regular expression as written in code, e.g. `/^ab+$/i`, for a description. */
  readonly literal: string;
  /**
   * False for a case-insensitive (or multiline, dotall, `v`) pattern: JSON Schema patterns have no
   * flags, so it can only be described, not stated as `pattern`.
   */
  readonly expressible: boolean;
}

/** The pattern of a `@Matches(pattern, modifiers?)` record. */
export function matchesPattern([pattern, modifiers]: readonly any[]): MatchesPattern {
  const source: string = pattern instanceof RegExp ? pattern.source : String(pattern);
  const flags: string = pattern instanceof RegExp ? pattern.flags : typeof modifiers === 'string' ? modifiers : '';
  return { source, literal: `/${source}/${flags}`, expressible: !MEANINGFUL_REGEX_FLAGS.test(flags) };
}

/** `@IsEnum` records its valid values since class-validator 0.14.1; compute them the same way otherwise. */
function enumValues([entity, validValues]: readonly any[]): readonly unknown[] {
  if (Array.isArray(validValues)) return validValues;
  return Object.entries(entity as object)
    .filter(([key]) => Number.isNaN(Number.parseInt(key, 10)))
    .map(([, value]) => value);
}

const format = (name: string) => (): JSONSchema => ({ format: name });

/**
 * class-validator's string validators without a schema keyword of their own: each fails for any value
 * that is not a string, so the value is a string (`@IsUrl({}, { each: true })` says what array items are,
 * and `@IsNumberString()` on a `number` property is a contradiction). Names rather than the exported
 * constants, because some of these constants do not exist in every class-validator version in range.
 */
const STRING_ONLY_VALIDATORS = [
  'contains', 'notContains', 'isAlpha', 'isAlphanumeric', 'isAscii', 'isBIC', 'isBase32', 'isBase58', 'isBase64',
  'isBooleanString', 'isBtcAddress', 'isByteLength', 'isCreditCard', 'isCurrency', 'isDataURI', 'isDecimal', 'isEAN',
  'isEthereumAddress', 'IsFirebasePushId', 'isFullWidth', 'isHSL', 'isHalfWidth', 'isHash', 'isHexColor', 'isHexadecimal',
  'isIBAN', 'isIsbn', 'isIsin', 'isISO31661Alpha2', 'isISO31661Alpha3', 'isISO31661Numeric', 'isISRC', 'isISSN',
  'isIdentityCard', 'isJson', 'isJwt', 'isLocale', 'isLowercase', 'isMacAddress', 'isMagnetURI', 'isMilitaryTime',
  'isMimeType', 'isMobilePhone', 'isMongoId', 'isMultibyte', 'isNumberString', 'isOctal', 'isPassportNumber',
  'isPhoneNumber', 'isPort', 'isPostalCode', 'isRFC3339', 'isRgbColor', 'isSemVer', 'isStrongPassword',
  'isSurrogatePair', 'isTimeZone', 'isUppercase', 'isUrl', 'isVariableWidth', 'isISO4217CurrencyCode', 'isTaxId',
  'isISO6391', 'isLatLong',
] as const;

/**
 * Validators that say something a strict JSON schema can express, by class-validator name. Any other
 * validator (custom ones included) still runs on the arguments; it just adds nothing to the schema.
 */
export const VALIDATOR_RULES: Readonly<Record<string, ValidatorRule>> = {
  [IS_STRING]: { kind: 'string' },
  [IS_NUMBER]: { kind: 'number' },
  [IS_INT]: { kind: 'integer' },
  [IS_BOOLEAN]: { kind: 'boolean' },
  [IS_DATE]: { kind: 'date' },
  [IS_ARRAY]: { kind: 'array' },
  [IS_OBJECT]: { kind: 'object' },

  [IS_EMAIL]: { kind: 'string', keywords: format('email') },
  [IS_UUID]: { kind: 'string', keywords: format('uuid') },
  [IS_DATE_STRING]: { kind: 'string', keywords: format('date-time') },
  [IS_ISO8601]: { kind: 'string', keywords: format('date-time') },
  [IS_FQDN]: { kind: 'string', keywords: format('hostname') },
  [IS_IP]: {
    kind: 'string',
    keywords: ([version]) => (String(version) === '4' ? { format: 'ipv4' } : String(version) === '6' ? { format: 'ipv6' } : undefined),
  },
  [IS_LENGTH]: { kind: 'string', keywords: lengthKeywords },
  [MIN_LENGTH]: { kind: 'string', keywords: ([min]) => ({ minLength: min }) },
  [MAX_LENGTH]: { kind: 'string', keywords: ([max]) => ({ maxLength: max }) },
  // Patterns are stated by the property schema itself: several `@Matches` need a description too.
  [MATCHES]: { kind: 'string' },
  [IS_NOT_EMPTY]: { keywords: (_, kind) => (kind === 'string' ? { minLength: 1 } : undefined) },

  [MIN]: { kind: 'number', keywords: ([min]) => ({ minimum: min }) },
  [MAX]: { kind: 'number', keywords: ([max]) => ({ maximum: max }) },
  [IS_POSITIVE]: { kind: 'number', keywords: () => ({ exclusiveMinimum: 0 }) },
  [IS_NEGATIVE]: { kind: 'number', keywords: () => ({ exclusiveMaximum: 0 }) },
  [IS_DIVISIBLE_BY]: { kind: 'number', keywords: ([divisor]) => ({ multipleOf: divisor }) },

  [ARRAY_MIN_SIZE]: { kind: 'array', keywords: ([min]) => ({ minItems: min }) },
  [ARRAY_MAX_SIZE]: { kind: 'array', keywords: ([max]) => ({ maxItems: max }) },
  [ARRAY_NOT_EMPTY]: { kind: 'array', keywords: () => ({ minItems: 1 }) },
  // Strict mode rejects `uniqueItems`; validation still enforces uniqueness.
  [ARRAY_UNIQUE]: { kind: 'array' },

  [IS_IN]: { values: ([values]) => (Array.isArray(values) ? values : []) },
  [IS_ENUM]: { values: enumValues },
  [EQUALS]: { values: ([value]) => [value] },

  ...Object.fromEntries(STRING_ONLY_VALIDATORS.map((name) => [name, { kind: 'string' } satisfies ValidatorRule])),
};

/** The validators whose ISO 8601 format is a choice among what they accept (dates with or without a time). */
export const ISO_DATE_VALIDATORS: ReadonlySet<string> = new Set([IS_DATE_STRING, IS_ISO8601]);

/** Keywords where several validators combine to the tightest bound. */
const LOWER_BOUNDS = new Set(['minLength', 'minimum', 'exclusiveMinimum', 'minItems']);
const UPPER_BOUNDS = new Set(['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems']);

/**
 * Adds `keyword: value` to `schema`; bounds combine to the tightest one, other keywords must agree.
 * Returns a description of the conflict when they do not.
 */
export function mergeKeyword(schema: JSONSchema, keyword: string, value: unknown): string | undefined {
  const existing = schema[keyword];
  if (existing === undefined || existing === value) {
    schema[keyword] = value;
    return undefined;
  }
  if (LOWER_BOUNDS.has(keyword)) schema[keyword] = Math.max(existing as number, value as number);
  else if (UPPER_BOUNDS.has(keyword)) schema[keyword] = Math.min(existing as number, value as number);
  else return `${keyword} ${JSON.stringify(existing)} and ${keyword} ${JSON.stringify(value)}`;
  return undefined;
}
