import { dtoName } from '../schema/dto-errors.js';
import { schemaFromClass } from '../schema/schema-from-class.js';
import { TOOL_ARGUMENT_LIMITS } from './limits.js';
import { OutputValidationError } from './output-validation-error.js';
import { validateDto } from './validate-dto.js';

/**
 * Parses a structured answer (the final content of a run with `responseFormatFromClass(Dto)`) into a
 * validated instance of the class, with the same rules as tool arguments: nulls of optional
 * properties count as absent, unknown properties are errors, nested DTOs become instances.
 *
 * @example
 * ```ts
 * const result = await streamUntilUserInput({ client, model, messages, params: { response_format: responseFormatFromClass(Forecast) } });
 * const forecast = await parseOutput(Forecast, result.finalContent ?? '');
 * ```
 *
 * @throws {OutputValidationError} when the content is not JSON or fails validation, naming each field.
 * @throws {ToolConfigurationError} when the class cannot be expressed as a strict schema.
 */
export async function parseOutput<T>(dto: new () => T, content: string): Promise<T> {
  schemaFromClass(dto); // reports a class that cannot work before blaming the model's output
  let plain: unknown;
  try {
    plain = JSON.parse(content);
  } catch (error) {
    throw new OutputValidationError(dtoName(dto), [{ path: '', message: `not valid JSON (${(error as Error).message})` }], { cause: error });
  }
  const result = await validateDto(dto as new () => T & object, plain, TOOL_ARGUMENT_LIMITS.maxDepth);
  if (!result.ok) throw new OutputValidationError(dtoName(dto), result.issues, result.cause === undefined ? undefined : { cause: result.cause });
  return result.value;
}
