import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { ArgumentIssue } from '../errors.js';
import { guardPlain } from './plain-guard.js';
import { dropOptionalNulls, isPlainRecord } from './optional-nulls.js';
import { issuesFromValidationErrors } from './validation-issues.js';

/** The outcome of {@link validateDto}: a DTO instance, or every problem found. */
export type DtoValidation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: ArgumentIssue[] };

/**
 * Turns parsed JSON into a validated DTO instance: the value must be an object nested at most
 * `maxDepth` deep without `__proto__`/`constructor`/`prototype` keys; nulls of optional properties
 * count as absent; then `plainToInstance` and `validate` with whitelisting (unknown properties are
 * errors). The DTO's metadata must have been read already (its schema built), which is where a DTO
 * that cannot work is reported.
 */
export async function validateDto<T extends object>(dto: new () => T, plain: unknown, maxDepth: number): Promise<DtoValidation<T>> {
  if (!isPlainRecord(plain)) {
    return { ok: false, issues: [{ path: '', message: `must be a JSON object, got ${jsonTypeName(plain)}` }] };
  }
  const guard = guardPlain(plain, maxDepth);
  if (guard.tooDeep) return { ok: false, issues: guard.issues };
  dropOptionalNulls(dto, plain);
  const instance = plainToInstance(dto, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const issues = [...guard.issues, ...issuesFromValidationErrors(errors)];
  return issues.length === 0 ? { ok: true, value: instance } : { ok: false, issues };
}

function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
