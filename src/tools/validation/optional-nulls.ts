import { readDtoMetadata } from '../schema/dto-metadata.js';

/**
 * Strict mode makes the model send `null` for an optional property it wants to leave out; this
 * removes those nulls (in nested DTOs too) so the method sees the property as absent, and a
 * property initialiser on the DTO keeps its value.
 */
export function dropOptionalNulls(dto: Function, value: Record<string, unknown>): void {
  for (const property of readDtoMetadata(dto).properties) {
    if (!Object.hasOwn(value, property.name)) continue;
    const field = value[property.name];
    if (field === null) {
      if (property.optional) delete value[property.name];
      continue;
    }
    if (!property.nested || property.typeHint === undefined) continue;
    const nested = property.typeHint.resolve();
    if (typeof nested !== 'function') continue;
    for (const item of Array.isArray(field) ? field : [field]) {
      if (isPlainRecord(item)) dropOptionalNulls(nested, item);
    }
  }
}

/** True for a JSON object (not an array, not null). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
