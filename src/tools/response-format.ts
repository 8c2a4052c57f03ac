import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import { ToolConfigurationError } from './errors.js';
import { TOOL_NAME_PATTERN } from './function-tool.js';
import { dtoName } from './schema/dto-errors.js';
import { schemaFromClass } from './schema/schema-from-class.js';

/** Options of {@link responseFormatFromClass}. */
export interface ResponseFormatFromClassOptions {
  /** The format's name (`^[a-zA-Z0-9_-]{1,64}$`). Default: the class name. */
  name?: string;
  /** What the format is for; the model reads it. */
  description?: string;
}

/**
 * A strict `response_format` whose schema is the class's (see `schemaFromClass`), so the model's final
 * answer is JSON of that shape; `parseOutput(Dto, content)` turns it into a validated instance.
 *
 * @example
 * ```ts
 * class Forecast {
 *   @IsString() city!: string;
 *   @IsNumber() @Min(-100) @Max(100) celsius!: number;
 * }
 * const result = await streamUntilUserInput({ client, model, messages, params: { response_format: responseFormatFromClass(Forecast) } });
 * const forecast = await parseOutput(Forecast, result.finalContent ?? '');
 * ```
 *
 * @throws {ToolConfigurationError} when the name is invalid or the class cannot be expressed as a strict schema.
 */
export function responseFormatFromClass<T>(dto: new () => T, options: ResponseFormatFromClassOptions = {}): ResponseFormatJSONSchema {
  const name = options.name ?? defaultName(dto);
  if (typeof name !== 'string' || !TOOL_NAME_PATTERN.test(name)) {
    throw new ToolConfigurationError(`Response format name ${JSON.stringify(name)} is invalid: use 1-64 characters from a-z, A-Z, 0-9, "_" and "-".`);
  }
  return {
    type: 'json_schema',
    json_schema: {
      name,
      ...(options.description === undefined ? {} : { description: options.description }),
      schema: schemaFromClass(dto),
      strict: true,
    },
  };
}

function defaultName(dto: Function): string {
  return dtoName(dto).replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
}
