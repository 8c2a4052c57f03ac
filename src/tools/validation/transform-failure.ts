import { plainToInstance } from 'class-transformer';
import type { ArgumentIssue } from '../errors.js';
import { readDtoMetadata } from '../schema/dto-metadata.js';
import { joinPath } from './field-path.js';
import { isPlainRecord } from './optional-nulls.js';

/**
 * The issue for a `plainToInstance` that threw: a DTO's own `@Transform` failed on the value the model
 * sent (e.g. `JSON.parse` of a string that is not JSON). Finds the field by converting one property at
 * a time, nested DTOs included, so the model learns which field to correct.
 */
export function transformIssue(dto: Function, plain: Record<string, unknown>, error: unknown): ArgumentIssue {
  const reason = error instanceof Error ? error.message : String(error);
  return { path: failingPath(dto, plain, '') ?? '', message: `could not be converted: ${reason} (transform)` };
}

function failingPath(dto: Function, plain: Record<string, unknown>, path: string): string | undefined {
  const properties = readDtoMetadata(dto).properties;
  for (const key of Object.keys(plain)) {
    if (!throws(() => plainToInstance(dto as new () => object, { [key]: plain[key] }))) continue;
    const keyPath = joinPath(path, key);
    const property = properties.find((candidate) => candidate.name === key);
    const nested = property?.nested ? property.typeHint?.resolve() : undefined;
    const value = plain[key];
    if (typeof nested === 'function') {
      const items = Array.isArray(value) ? value : [value];
      for (let index = 0; index < items.length; index++) {
        const item = items[index];
        if (!isPlainRecord(item)) continue;
        const inner = failingPath(nested, item, Array.isArray(value) ? joinPath(keyPath, index) : keyPath);
        if (inner !== undefined) return inner;
      }
    }
    return keyPath;
  }
  return undefined;
}

function throws(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch {
    return true;
  }
}
