import { expect } from 'chai';
import type { JSONSchema, Tool } from 'chat-cmpl-stream-handler';
import { toStrictJsonSchema } from 'openai-strict-checker/lib/transform';

/**
 * Asserts that OpenAI's own strict-mode normaliser accepts the schema and has nothing to add: it
 * throws on what strict mode rejects, and would add `required` / `additionalProperties` entries we forgot.
 */
export function expectStrict(schema: JSONSchema | Record<string, unknown> | undefined): void {
  expect(schema, 'schema').to.be.an('object');
  const normalised = toStrictJsonSchema(structuredClone(schema) as Parameters<typeof toStrictJsonSchema>[0]);
  expect(normalised).to.deep.equal(schema);
}

/** {@link expectStrict} for the parameters of every tool. */
export function expectStrictTools(tools: readonly Tool[]): void {
  for (const tool of tools) expectStrict(tool.schema.function.parameters);
}
