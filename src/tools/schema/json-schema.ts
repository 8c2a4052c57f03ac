/** A JSON type name as used in `type`. */
export type JSONSchemaTypeName = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** A JSON value allowed in `enum`. */
export type JSONSchemaEnumValue = string | number | boolean | null;

/**
 * The JSON Schema subset this library generates: what OpenAI strict mode accepts (objects closed
 * with `additionalProperties: false`, every property required, optional ones nullable, `$defs`/`$ref`).
 */
export interface JSONSchema {
  type?: JSONSchemaTypeName | JSONSchemaTypeName[];
  description?: string;
  properties?: Record<string, JSONSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JSONSchema;
  enum?: JSONSchemaEnumValue[];
  anyOf?: JSONSchema[];
  $ref?: string;
  $defs?: Record<string, JSONSchema>;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  [keyword: string]: unknown;
}
