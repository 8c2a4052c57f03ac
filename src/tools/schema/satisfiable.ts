import type { JSONSchema } from './json-schema.js';

/** Shortest and longest strings of each format strict mode knows, with an example of the shortest. */
const FORMAT_LENGTHS: Readonly<Record<string, { min: number; max?: number; example: string }>> = {
  'date-time': { min: 20, example: '2024-01-31T09:30:00Z' },
  date: { min: 10, max: 10, example: '2024-01-31' },
  time: { min: 9, example: '09:30:00Z' },
  duration: { min: 3, example: 'P1D' },
  uuid: { min: 36, max: 36, example: '123e4567-e89b-42d3-a456-426614174000' },
  email: { min: 3, example: 'a@b' },
  hostname: { min: 1, max: 253, example: 'a' },
  ipv4: { min: 7, max: 15, example: '1.2.3.4' },
  ipv6: { min: 2, max: 45, example: '::' },
};

/**
 * Why no value can satisfy a (non-nested) property schema, or `undefined` when some value can as far
 * as these checks see: crossed bounds (`minLength` above `maxLength`, `minimum` above `maximum`, ...),
 * a `format` whose values are all longer or shorter than the length bounds allow, an `enum` none of
 * whose values meets the other keywords. A schema nobody can satisfy makes the model fail every call.
 */
export function unsatisfiableBecause(schema: JSONSchema): string | undefined {
  if (!hasConstraints(schema)) return undefined;
  const { minLength = 0, maxLength = Infinity, minItems = 0, maxItems = Infinity } = schema;
  if (minLength > maxLength) return `minLength ${minLength} is above maxLength ${maxLength}`;
  if (minItems > maxItems) return `minItems ${minItems} is above maxItems ${maxItems}`;
  const numbers = numberRangeProblem(schema);
  if (numbers !== undefined) return numbers;
  const format = typeof schema.format === 'string' ? FORMAT_LENGTHS[schema.format] : undefined;
  if (format !== undefined) {
    if (format.min > maxLength) {
      return `format "${schema.format}" needs at least ${format.min} characters (e.g. ${format.example}), but maxLength is ${maxLength}`;
    }
    if (format.max !== undefined && format.max < minLength) {
      return `format "${schema.format}" allows at most ${format.max} characters, but minLength is ${minLength}`;
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((value) => value === null || meetsBounds(schema, value))) {
    return `none of its allowed values ${JSON.stringify(schema.enum)} meets its other constraints`;
  }
  return undefined;
}

/** Most schemas state only a type: nothing to check. */
function hasConstraints(schema: JSONSchema): boolean {
  for (const keyword in schema) if (CHECKED_KEYWORDS.has(keyword)) return true;
  return false;
}

const CHECKED_KEYWORDS = new Set([
  'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum',
]);

function numberRangeProblem(schema: JSONSchema): string | undefined {
  const { minimum = -Infinity, maximum = Infinity, exclusiveMinimum = -Infinity, exclusiveMaximum = Infinity } = schema;
  const empty = minimum > maximum || minimum >= exclusiveMaximum || exclusiveMinimum >= maximum || exclusiveMinimum >= exclusiveMaximum;
  if (!empty) return undefined;
  const bounds = (['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'] as const).filter((keyword) => schema[keyword] !== undefined);
  return `its bounds leave no number (${bounds.map((keyword) => `${keyword} ${schema[keyword]}`).join(', ')})`;
}

function meetsBounds(schema: JSONSchema, value: unknown): boolean {
  if (typeof value === 'string') {
    const length = [...value].length;
    if (length < (schema.minLength ?? 0) || length > (schema.maxLength ?? Infinity)) return false;
    if (schema.pattern !== undefined && !safeTest(schema.pattern, value)) return false;
    return true;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return false;
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return false;
    return true;
  }
  return true;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}
