import { readDtoMetadata } from '../schema/dto-metadata.js';
import { isPlainRecord } from './optional-nulls.js';

/**
 * Removes the own properties of a freshly converted DTO instance (nested ones included) that hold
 * `undefined` and were not in the arguments. With `useDefineForClassFields` (the default from target
 * ES2022, and in esbuild, tsx and swc) every declared field is an own property of each instance,
 * `undefined` unless initialised; without it, fields that are not initialised do not exist. Removing
 * them makes a DTO the same either way: what the model did not send is absent, and initialised
 * defaults stay.
 */
export function dropUnsentFields(dto: Function, instance: object, plain: Record<string, unknown>): void {
  const record = instance as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === undefined && !Object.hasOwn(plain, key)) delete record[key];
  }
  for (const property of readDtoMetadata(dto).properties) {
    if (!property.nested || property.typeHint === undefined) continue;
    const nested = property.typeHint.resolve();
    const sent = plain[property.name];
    const converted = record[property.name];
    if (typeof nested !== 'function' || typeof converted !== 'object' || converted === null) continue;
    if (Array.isArray(converted) && Array.isArray(sent)) {
      converted.forEach((item, index) => {
        if (typeof item === 'object' && item !== null && isPlainRecord(sent[index])) dropUnsentFields(nested, item, sent[index]);
      });
    } else if (!Array.isArray(converted) && isPlainRecord(sent)) {
      dropUnsentFields(nested, converted, sent);
    }
  }
}
