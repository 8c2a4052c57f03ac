import { getMetadataStorage } from 'class-validator';
import { classChain } from '../decorators/metadata-reader.js';
import type { ValidatorRecord } from './dto-metadata.js';

/** class-validator (0.14 and 0.15) keeps its records in a Map from target class to records. */
interface StorageWithRecordMap {
  readonly validationMetadatas?: unknown;
}

/**
 * The validation records `validate()` applies to an instance of `dto`: the class's own, then its
 * ancestors', where an ancestor's record is left out when the class itself has one of the same type
 * for the same property. This is what `getMetadataStorage().getTargetValidationMetadatas(dto, ...)`
 * returns without groups, read along the class chain: that method also scans every class in the
 * storage for ancestors (an `instanceof` per class), which made reading N DTO classes cost O(N²).
 * Falls back to that method when the storage does not look as expected.
 */
export function validationRecords(dto: Function): ValidatorRecord[] {
  const storage = getMetadataStorage();
  const byTarget = (storage as unknown as StorageWithRecordMap).validationMetadatas;
  if (!(byTarget instanceof Map)) {
    return storage.getTargetValidationMetadatas(dto, undefined as unknown as string, false, false) as ValidatorRecord[];
  }
  const own = ((byTarget.get(dto) ?? []) as ValidatorRecord[]).filter((record) => record.target === dto);
  const chain = classChain(dto);
  if (chain.length === 1) return own;
  const inherited: ValidatorRecord[] = [];
  for (const ancestor of chain.slice(0, -1)) {
    for (const record of (byTarget.get(ancestor) ?? []) as ValidatorRecord[]) {
      if (record.target !== ancestor) continue;
      if (own.some((mine) => mine.propertyName === record.propertyName && mine.type === record.type)) continue;
      inherited.push(record);
    }
  }
  return own.concat(inherited);
}
