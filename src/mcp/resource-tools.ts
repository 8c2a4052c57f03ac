import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import { ToolArgumentsError } from '../tools/errors.js';
import { argsFromToolCall, type Tool } from '../tools/tool.js';
import { ToolResult } from '../tools/tool-result.js';
import { isSchemaObject } from './json-schema.js';
import { exposedToolName } from './tool-names.js';

/** What the resource tools need from their toolset. */
export interface ResourceAccess<C> {
  readonly label: string | undefined;
  readonly owner: string;
  list(context: C, signal: AbortSignal | undefined): Promise<Resource[]>;
  read(uri: string, context: C, signal: AbortSignal | undefined): Promise<ReadResourceResult>;
}

/**
 * Two tools that let the model use a server's resources: `list_resources` (their URIs, names,
 * descriptions and MIME types, as JSON) and `read_resource` (`{ uri }`: text contents as they
 * are, binary ones described by MIME type and size). The full result is in `metadata.mcp`.
 */
export function createResourceTools<C>(access: ResourceAccess<C>): Tool<C>[] {
  const listName = exposedToolName(access.label, 'list_resources');
  const readName = exposedToolName(access.label, 'read_resource');
  const list: Tool<C> = {
    owner: access.owner,
    schema: {
      type: 'function',
      function: {
        name: listName,
        description: `Lists the resources (documents, files, records) of ${access.owner}: uri, name, description and MIME type of each. Read one with ${readName}.`,
        parameters: { type: 'object', properties: {}, required: [], additionalProperties: false },
        strict: true,
      },
    },
    invoke: async (_toolCall, context, options) => {
      const resources = await access.list(context, options?.signal);
      const summary = resources.map(({ uri, name, title, description, mimeType }) => ({ uri, name, title, description, mimeType }));
      return new ToolResult(JSON.stringify(summary), { server: access.owner, resources });
    },
  };
  const read: Tool<C> = {
    owner: access.owner,
    schema: {
      type: 'function',
      function: {
        name: readName,
        description: `Reads one resource of ${access.owner} by its URI (see ${listName}).`,
        parameters: {
          type: 'object',
          properties: { uri: { type: 'string', description: 'The resource URI, exactly as listed.' } },
          required: ['uri'],
          additionalProperties: false,
        },
        strict: true,
      },
    },
    invoke: async (toolCall, context, options) => {
      const args = argsFromToolCall(toolCall);
      const uri = isSchemaObject(args) ? args['uri'] : undefined;
      if (typeof uri !== 'string' || uri === '') throw new ToolArgumentsError(readName, [{ path: 'uri', message: 'must be a non-empty string' }]);
      const result = await access.read(uri, context, options?.signal);
      return new ToolResult(renderContents(result), { mcp: result, server: access.owner, uri });
    },
  };
  return [list, read];
}

function renderContents(result: ReadResourceResult): string {
  return result.contents
    .map((content) => {
      if ('text' in content && typeof content.text === 'string') return content.text;
      const blob = 'blob' in content && typeof content.blob === 'string' ? content.blob : '';
      return JSON.stringify({ uri: content.uri, mimeType: content.mimeType, bytes: Buffer.byteLength(blob, 'base64') });
    })
    .join('\n');
}
