import 'reflect-metadata';
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { IS_OPTIONAL, ValidationTypes } from 'class-validator';
import { classChain, readClassDescription, readPropertyDescriptions } from '../decorators/metadata-reader.js';
import { dtoError } from './dto-errors.js';
import { validationRecords } from './validation-records.js';

/** The fields of a class-validator `ValidationMetadata` this library reads. */
export interface ValidatorRecord {
  /** `customValidation` for `ValidateBy` decorators, or a system type (`conditionalValidation`, `nestedValidation`, ...). */
  readonly type: string;
  /** The validator's name (`isString`, `min`, `isOptional`, ...); absent for `@Validate(ConstraintClass)`. */
  readonly name?: string | undefined;
  readonly target: Function | string;
  readonly propertyName: string;
  readonly constraints: readonly any[] | undefined;
  /** Applies to each item of an array value rather than the value itself. */
  readonly each: boolean;
}

/** One property of a DTO as its decorators describe it. */
export interface DtoProperty {
  readonly name: string;
  /** `@IsOptional()`: the property may be absent (the schema makes it nullable). */
  readonly optional: boolean;
  /** Validators of the whole value. */
  readonly validators: readonly ValidatorRecord[];
  /** Validators with `each: true`, applied to every item. */
  readonly eachValidators: readonly ValidatorRecord[];
  /** `@ValidateNested()` is present (with or without `each`). */
  readonly nested: boolean;
  /** The class named by class-transformer's `@Type(() => X)`, resolved on first use. */
  readonly typeHint: TypeHint | undefined;
  /** `design:type` from decorator metadata; `undefined` when the code was compiled without it. */
  readonly designType: Function | undefined;
  /** True when a class-transformer `@Transform` converts the value on its way into the instance (looked up on call). */
  transformed(): boolean;
  /** `@Describe` text. */
  readonly description: string | undefined;
}

/** class-transformer's `@Type` of a property. */
export interface TypeHint {
  /** Calls the `@Type` thunk (classes may be declared after the DTO, so it is resolved late). */
  resolve(): unknown;
  /** `@Type(() => Base, { discriminator })`: polymorphic, which a strict schema cannot express here. */
  readonly discriminated: boolean;
}

/** What the decorators of a DTO class say: its properties in declaration order (ancestors first). */
export interface DtoMetadata {
  readonly dto: Function;
  readonly description: string | undefined;
  readonly properties: readonly DtoProperty[];
}

const cache = new WeakMap<Function, DtoMetadata>();

/**
 * Reads a DTO class's class-validator and class-transformer metadata (what `validate()` and
 * `plainToInstance()` will use, inheritance included) plus `@Describe` texts. Read once per class.
 *
 * @throws {ToolConfigurationError} when the class has no class-validator decorators, or a property
 *   is described but has no validator (whitelisting would then always reject it).
 */
export function readDtoMetadata(dto: Function): DtoMetadata {
  let metadata = cache.get(dto);
  if (!metadata) {
    metadata = read(dto);
    cache.set(dto, metadata);
  }
  return metadata;
}

/** The name a validator is known by: `isString`, `min`, `isOptional`, ..., or its type (`nestedValidation`, `whitelistValidation`). */
export function validatorName(record: ValidatorRecord): string {
  return record.name ?? record.type;
}

function read(dto: Function): DtoMetadata {
  if (typeof dto !== 'function' || dto.prototype === undefined) {
    throw new TypeError(`Expected a DTO class, got ${dto === null ? 'null' : typeof dto}.`);
  }
  const records = validationRecords(dto);
  const descriptions = readPropertyDescriptions(dto);
  if (records.length === 0) {
    throw dtoError(
      dto,
      undefined,
      'has no class-validator decorators, so it declares no property the model could fill. Decorate each property ' +
        '(e.g. @IsString(), @IsInt(), @IsOptional()); for a tool without arguments, declare the method without parameters.',
    );
  }
  const byProperty = groupInDeclarationOrder(dto, records);
  for (const [property] of descriptions) {
    if (typeof property !== 'string' || !byProperty.has(property)) {
      throw dtoError(
        dto,
        String(property),
        'has @Describe but no class-validator decorator; unknown properties are rejected, so the model could never send it. ' +
          'Add a validator such as @IsString() (or @Allow()).',
      );
    }
  }
  const properties = [...byProperty].map(([name, propertyRecords]) => toProperty(dto, name, propertyRecords, descriptions.get(name)));
  const classDescription = readClassDescription(dto);
  if (classDescription !== undefined && typeof classDescription !== 'string') {
    throw dtoError(dto, undefined, `@Describe needs a string, got ${typeof classDescription}.`);
  }
  return { dto, description: classDescription, properties };
}

/** Groups records by property; properties of ancestors first, then in the order their decorators ran. */
function groupInDeclarationOrder(dto: Function, records: readonly ValidatorRecord[]): Map<string, ValidatorRecord[]> {
  const grouped = new Map<string, ValidatorRecord[]>();
  for (const ancestor of classChain(dto)) {
    for (const record of records) {
      if (record.target !== ancestor) continue;
      const list = grouped.get(record.propertyName);
      if (list) list.push(record);
      else grouped.set(record.propertyName, [record]);
    }
  }
  return grouped;
}

function toProperty(dto: Function, name: string, records: readonly ValidatorRecord[], description: unknown): DtoProperty {
  if (description !== undefined && typeof description !== 'string') {
    throw dtoError(dto, name, `@Describe needs a string, got ${typeof description}.`);
  }
  const typeMetadata = defaultMetadataStorage.findTypeMetadata(dto, name);
  const typeHint: TypeHint | undefined = typeMetadata && {
    resolve: () => typeMetadata.typeFunction(),
    discriminated: typeMetadata.options?.discriminator !== undefined,
  };
  // Emitted on the prototype of the class whose decorator declared the property (the most derived one).
  const declaring = records[records.length - 1]!.target;
  const designType: unknown =
    (typeof declaring === 'function' ? Reflect.getOwnMetadata('design:type', declaring.prototype, name) : undefined) ??
    Reflect.getMetadata('design:type', dto.prototype, name);
  const validators: ValidatorRecord[] = [];
  const eachValidators: ValidatorRecord[] = [];
  let optional = false;
  let nested = false;
  for (const record of records) {
    (record.each ? eachValidators : validators).push(record);
    if (record.type === ValidationTypes.NESTED_VALIDATION) nested = true;
    else if (record.name === IS_OPTIONAL) optional = true;
  }
  return {
    name,
    optional,
    validators,
    eachValidators,
    nested,
    typeHint,
    designType: typeof designType === 'function' ? designType : undefined,
    transformed: () => defaultMetadataStorage.findTransformMetadatas(dto, name, TransformationType.PLAIN_TO_CLASS).length > 0,
    description,
  };
}
