import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { issueLines } from '../../tools/errors.js';
import type { ToolPlan } from '../../tools/decorators/toolset-plan.js';
import { dtoName } from '../../tools/schema/dto-errors.js';
import { ToolResult } from '../../tools/tool-result.js';
import { TOOL_ARGUMENT_LIMITS } from '../../tools/validation/limits.js';
import { OutputValidationError } from '../../tools/validation/output-validation-error.js';
import { validateDto } from '../../tools/validation/validate-dto.js';

/**
 * The `tools/call` result of what a `@Tool` method returned (already a `ToolResult`):
 * - `metadata.mcp` (a `CallToolResult`, the shape McpToolset produces) is sent as it is: images,
 *   audio, resources, `isError`;
 * - with an output DTO (`@Tool({ output })`), the returned object, validated against that DTO, is
 *   the `structuredContent` and its JSON the text (`OutputValidationError` when it does not match);
 * - otherwise the text, with `isError` from `ToolResult.error`.
 */
export async function callToolResultOf(result: ToolResult, plan: ToolPlan): Promise<CallToolResult> {
  const passThrough = result.metadata['mcp'];
  if (isCallToolResult(passThrough)) return passThrough;
  if (result.isError) return errorResult(result.content === '' ? `Tool "${plan.name}" reported an error without a message.` : result.content);
  if (plan.output !== undefined) return structuredResult(result.content, plan.output);
  return { content: [{ type: 'text', text: result.content }] };
}

/** An `isError` result with `message` as its only text, as a failed call answers the client. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** The message of an error a tool threw, without its stack. */
export function messageOf(error: unknown, toolName: string): string {
  if (error instanceof OutputValidationError) {
    return `Tool "${toolName}" returned a result that does not match its output class ${error.className}:\n${issueLines(error.issues, '(result)')}`;
  }
  if (error instanceof Error) return error.message || `Tool "${toolName}" failed with ${error.name}.`;
  return typeof error === 'string' && error !== '' ? error : `Tool "${toolName}" failed: ${String(error)}`;
}

async function structuredResult(json: string, output: new () => object): Promise<CallToolResult> {
  const value = parseObject(json);
  if (value === undefined) {
    throw new OutputValidationError(dtoName(output), [{ path: '', message: `must be an object; return an instance or plain object of ${dtoName(output)}, not text` }]);
  }
  // validateDto removes nulls of optional properties from `value`: what is sent then fits outputSchema.
  const validation = await validateDto(output, value, TOOL_ARGUMENT_LIMITS.maxDepth);
  if (!validation.ok) throw new OutputValidationError(dtoName(output), validation.issues);
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isCallToolResult(value: unknown): value is CallToolResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content);
}
