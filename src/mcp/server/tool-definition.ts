import type { Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import type { ToolPlan } from '../../tools/decorators/toolset-plan.js';
import type { JSONSchema } from '../../tools/schema/json-schema.js';
import { JSON_SCHEMA_2020_12, jsonSchemaFromClass } from '../../tools/schema/schema-from-class.js';

/** `inputSchema` of a tool without arguments: an empty closed object. */
const NO_ARGUMENTS_SCHEMA = Object.freeze({
  $schema: JSON_SCHEMA_2020_12,
  type: 'object',
  properties: Object.freeze({}),
  additionalProperties: false,
}) as JSONSchema;

const cache = new WeakMap<ToolPlan, McpToolDefinition>();

/**
 * The `tools/list` entry of a `@Tool` method: its name and description, `inputSchema` from the
 * argument DTO and `outputSchema` from `@Tool({ output })` in the JSON Schema 2020-12 form (optional
 * properties stay optional, nested DTOs under `$defs` by class name), and `@Tool({ annotations })`
 * (their `title` also as the tool's `title`). Built once per tool.
 */
export function mcpToolDefinition(plan: ToolPlan): McpToolDefinition {
  let definition = cache.get(plan);
  if (!definition) {
    definition = buildDefinition(plan);
    cache.set(plan, definition);
  }
  return definition;
}

function buildDefinition(plan: ToolPlan): McpToolDefinition {
  const { description } = plan.schema.function;
  const title = plan.annotations?.title;
  const inputSchema = plan.input === undefined ? NO_ARGUMENTS_SCHEMA : jsonSchemaFromClass(plan.input, { dialect: '2020-12' });
  return Object.freeze({
    name: plan.name,
    ...(title === undefined ? {} : { title }),
    ...(description === undefined ? {} : { description }),
    inputSchema: inputSchema as McpToolDefinition['inputSchema'],
    ...(plan.output === undefined ? {} : { outputSchema: jsonSchemaFromClass(plan.output, { dialect: '2020-12' }) as NonNullable<McpToolDefinition['outputSchema']> }),
    ...(plan.annotations === undefined ? {} : { annotations: { ...plan.annotations } }),
  });
}
