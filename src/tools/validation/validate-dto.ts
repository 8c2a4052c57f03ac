import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { ArgumentIssue } from '../errors.js';
import { schemaFromClass } from '../schema/schema-from-class.js';
import { checkJsonTypes } from './json-types.js';
import { dropOptionalNulls, isPlainRecord } from './optional-nulls.js';
import { guardPlain } from './plain-guard.js';
import { transformIssue } from './transform-failure.js';
import { dropUnsentFields } from './unsent-fields.js';
import { issuesFromValidationErrors } from './validation-issues.js';

/** The outcome of {@link validateDto}: a DTO instance, or every problem found. */
export type DtoValidation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: ArgumentIssue[]; readonly cause?: unknown };

/**
 * Turns parsed JSON into a validated DTO instance, changing `plain` on the way:
 * 1. the value must be an object nested at most `maxDepth` deep without `__proto__` / `constructor` /
 *    `prototype` keys;
 * 2. nulls of optional properties count as absent;
 * 3. every value must have the JSON type the schema states, and no property may be unknown
 *    (both reported and removed before any conversion);
 * 4. `plainToInstance` (a `@Transform` that throws becomes an issue naming the field), then the
 *    fields the model did not send are removed from the instance whatever `useDefineForClassFields` is;
 * 5. `validate`. Its messages for a value already reported in step 3 are left out.
 */
export async function validateDto<T extends object>(dto: new () => T, plain: unknown, maxDepth: number): Promise<DtoValidation<T>> {
  if (!isPlainRecord(plain)) {
    return { ok: false, issues: [{ path: '', message: `must be a JSON object, got ${jsonTypeName(plain)}` }] };
  }
  const guard = guardPlain(plain, maxDepth);
  if (guard.tooDeep) return { ok: false, issues: guard.issues };
  dropOptionalNulls(dto, plain);
  const types = checkJsonTypes(schemaFromClass(dto), plain);
  const earlier = [...guard.issues, ...types.issues];
  let instance: T;
  try {
    instance = plainToInstance(dto, plain);
  } catch (error) {
    return { ok: false, issues: [...earlier, transformIssue(dto, plain, error)], cause: error };
  }
  dropUnsentFields(dto, instance, plain);
  // Unknown properties were reported by checkJsonTypes; whitelisting here would also reject fields
  // the DTO declares without a validator (e.g. only @ApiProperty) that hold a default.
  const errors = await validate(instance, { forbidUnknownValues: true });
  const issues = [...earlier, ...issuesFromValidationErrors(errors).filter((issue) => !types.removed.some((path) => within(issue.path, path)))];
  return issues.length === 0 ? { ok: true, value: instance } : { ok: false, issues };
}

/** True when `path` is `ancestor` or lies inside it (`items`, `items[2]`, `items.qty`). */
function within(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}

function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
