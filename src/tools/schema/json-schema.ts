/** A JSON type name as used in `type`. */
export type JSONSchemaTypeName = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** A JSON value allowed in `enum`. */
export type JSONSchemaEnumValue = string | number | boolean | null;

/**
 * The JSON Schema subset this library generates: what OpenAI strict mode accepts (objects closed
 * with `additionalProperties: false`, every property required, optional ones nullable, `$defs`/`$ref`).
 */
export interface JSONSchema {
  /** The JSON type, or several: `['string', 'null']` for an optional property, mixed types for a mixed `enum`. */
  type?: JSONSchemaTypeName | JSONSchemaTypeName[];
  /** Text for the model: the `@Describe(...)` of the property or class. */
  description?: string;
  /** Schemas of an object's properties, by property name. */
  properties?: Record<string, JSONSchema>;
  /** Properties that must be present: every one of them in a strict schema (optional ones are nullable instead). */
  required?: string[];
  /** `false` on every generated object, as strict mode requires. */
  additionalProperties?: boolean;
  /** Schema of every item of an array. */
  items?: JSONSchema;
  /** The only values allowed (`@IsIn`, `@IsEnum`, `@Equals`), with `null` added for an optional property. */
  enum?: JSONSchemaEnumValue[];
  /** Alternatives; generated only for an optional nested DTO: `[{ $ref }, { type: 'null' }]`. */
  anyOf?: JSONSchema[];
  /** A nested DTO's schema: `#/$defs/Name`, or `#` for the root class itself (recursion). */
  $ref?: string;
  /** Schemas of the nested DTO classes, by class name (`Name_2`, ... when two classes share one); only on the root schema. */
  $defs?: Record<string, JSONSchema>;
  /**
   * A string format: `email` (`@IsEmail`), `uuid` (`@IsUUID`), `date-time` (`@IsDateString`,
   * `@IsISO8601`, `@IsDate`), `hostname` (`@IsFQDN`), `ipv4` / `ipv6` (`@IsIP(4)` / `@IsIP(6)`).
   */
  format?: string;
  /** Regular expression a string must match (`@Matches`); left out for `i`, `m`, `s` or `v` patterns, which validation still enforces. */
  pattern?: string;
  /** Minimum string length (`@MinLength`, `@Length`, `@IsNotEmpty`). */
  minLength?: number;
  /** Maximum string length (`@MaxLength`, `@Length`). */
  maxLength?: number;
  /** Inclusive lower bound of a number (`@Min`). */
  minimum?: number;
  /** Inclusive upper bound of a number (`@Max`). */
  maximum?: number;
  /** Exclusive lower bound of a number (`0` for `@IsPositive`). */
  exclusiveMinimum?: number;
  /** Exclusive upper bound of a number (`0` for `@IsNegative`). */
  exclusiveMaximum?: number;
  /** The number must be a multiple of this (`@IsDivisibleBy`). */
  multipleOf?: number;
  /** Minimum number of array items (`@ArrayMinSize`, `@ArrayNotEmpty`). */
  minItems?: number;
  /** Maximum number of array items (`@ArrayMaxSize`). */
  maxItems?: number;
  [keyword: string]: unknown;
}
