import { ToolConfigurationError } from '../errors.js';

/**
 * The error for a DTO class whose metadata cannot become a strict JSON schema (or a validator):
 * names the class, the property when there is one, the problem and what to do.
 */
export function dtoError(dto: Function, property: string | undefined, problem: string): ToolConfigurationError {
  const where = property === undefined ? dtoName(dto) : `${dtoName(dto)}.${property}`;
  return new ToolConfigurationError(`${where}: ${problem}`);
}

/** A class's name for messages and `$defs` keys. */
export function dtoName(dto: Function): string {
  return dto.name || 'AnonymousClass';
}
