import 'reflect-metadata';
import { CLASS_DESCRIPTION_METADATA, PROPERTY_DESCRIPTIONS_METADATA } from './constants.js';

/**
 * A description the model reads: on a DTO property it becomes the property's `description` in the
 * JSON schema; on a DTO class, the schema's `description`. It does not validate anything: combine it
 * with class-validator decorators.
 *
 * @example
 * ```ts
 * @Describe('City name, e.g. Tokyo') @IsString() @Length(1, 80) city!: string;
 * ```
 */
export function Describe(text: string): ClassDecorator & PropertyDecorator {
  return ((target: object, propertyKey?: string | symbol) => {
    if (propertyKey === undefined) {
      Reflect.defineMetadata(CLASS_DESCRIPTION_METADATA, text, target);
      return;
    }
    const ctor = target.constructor;
    const own: ReadonlyMap<string | symbol, string> = Reflect.getOwnMetadata(PROPERTY_DESCRIPTIONS_METADATA, ctor) ?? new Map();
    Reflect.defineMetadata(PROPERTY_DESCRIPTIONS_METADATA, new Map(own).set(propertyKey, text), ctor);
  }) as ClassDecorator & PropertyDecorator;
}
