import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';
import { ToolResult } from '../tools/tool-result.js';

/** What an MCP tool's {@link ToolResult} carries in `metadata`. */
export interface McpToolResultMetadata extends Record<string, unknown> {
  /** The full `tools/call` result, images and blobs included. */
  readonly mcp: CallToolResult;
  /** The server, as named in messages (`mcp server "fs"`). */
  readonly server: string;
  /** The tool's name on the server. */
  readonly tool: string;
}

/**
 * Turns a `tools/call` result into the tool message: `structuredContent` as compact JSON when the
 * tool returned it (and did not fail), otherwise the content blocks in order, text as is and every
 * other block as one line of compact JSON. Binary payloads (image and audio `data`, resource
 * `blob`) are replaced by their size in bytes: base64 in a prompt costs tokens and tells the model
 * nothing. `isError: true` becomes {@link ToolResult.error}.
 */
export function toolResultFromMcp(result: CallToolResult, origin: { server: string; tool: string }): ToolResult<McpToolResultMetadata> {
  const metadata: McpToolResultMetadata = { mcp: result, server: origin.server, tool: origin.tool };
  const useStructured = !result.isError && result.structuredContent !== undefined;
  const text = useStructured ? JSON.stringify(result.structuredContent) : renderBlocks(result.content ?? []);
  if (result.isError) {
    return ToolResult.error(text === '' ? `Tool "${origin.tool}" reported an error without a message.` : text, metadata);
  }
  return new ToolResult(text, metadata);
}

function renderBlocks(blocks: readonly ContentBlock[]): string {
  return blocks.map((block) => (block.type === 'text' ? block.text : JSON.stringify(compactBlock(block)))).join('\n');
}

function compactBlock(block: ContentBlock): Record<string, unknown> {
  const { _meta: _ignoredMeta, annotations: _ignoredAnnotations, type, ...fields } = block as Record<string, unknown>;
  const rest: Record<string, unknown> = { type, ...fields };
  if ((block.type === 'image' || block.type === 'audio') && typeof rest['data'] === 'string') {
    const { data, ...described } = rest;
    return { ...described, bytes: base64Bytes(data as string) };
  }
  if (block.type === 'resource') {
    const { _meta: _ignored, blob, ...resource } = block.resource as Record<string, unknown>;
    return { ...rest, resource: typeof blob === 'string' ? { ...resource, bytes: base64Bytes(blob) } : resource };
  }
  return rest;
}

function base64Bytes(base64: string): number {
  return Buffer.byteLength(base64, 'base64');
}
