import { isDeepStrictEqual } from 'node:util';
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
 * Turns a `tools/call` result into the tool message. The content blocks, in order: text as is, every
 * other block as one line of compact JSON. `structuredContent` (when the tool returned it and did
 * not fail) replaces them as compact JSON, unless it only wraps the content (`{ content: text }`,
 * `{ content: blocks }`, as the official filesystem server returns): then the model gets the content,
 * not the same text escaped inside JSON. Binary payloads (image and audio `data`, resource `blob`,
 * in blocks and inside `structuredContent` alike) are replaced by their size in bytes: base64 in a
 * prompt costs tokens and tells the model nothing. `isError: true` becomes {@link ToolResult.error}.
 */
export function toolResultFromMcp(result: CallToolResult, origin: { server: string; tool: string }): ToolResult<McpToolResultMetadata> {
  const metadata: McpToolResultMetadata = { mcp: result, server: origin.server, tool: origin.tool };
  const blocks = result.content ?? [];
  const useStructured = !result.isError && result.structuredContent !== undefined && !wrapsContent(result.structuredContent, blocks);
  const text = useStructured ? JSON.stringify(withoutBinary(result.structuredContent)) : renderBlocks(blocks);
  if (result.isError) {
    return ToolResult.error(text === '' ? `Tool "${origin.tool}" reported an error without a message.` : text, metadata);
  }
  return new ToolResult(text, metadata);
}

/** True when `structuredContent` is one property holding the content's text or the content blocks themselves. */
function wrapsContent(structured: Record<string, unknown>, blocks: readonly ContentBlock[]): boolean {
  const values = Object.values(structured);
  if (values.length !== 1 || blocks.length === 0) return false;
  const [value] = values;
  if (typeof value === 'string') return blocks.every((block) => block.type === 'text') && value === renderBlocks(blocks);
  return Array.isArray(value) && isDeepStrictEqual(value, blocks);
}

function renderBlocks(blocks: readonly ContentBlock[]): string {
  return blocks.map((block) => (block.type === 'text' ? block.text : JSON.stringify(compactBlock(block)))).join('\n');
}

function compactBlock(block: ContentBlock): Record<string, unknown> {
  const { _meta: _ignoredMeta, annotations: _ignoredAnnotations, type, ...fields } = block as Record<string, unknown>;
  if (block.type === 'resource') {
    const { _meta: _ignored, ...resource } = block.resource as Record<string, unknown>;
    fields['resource'] = resource;
  }
  return withoutBinary({ type, ...fields }) as Record<string, unknown>;
}

const MAX_DEPTH = 64;

/**
 * A copy of a JSON value with every binary payload replaced by its size: the `data` of an object that
 * is an image or audio block or carries a `mimeType`, and every string `blob` (embedded resources),
 * each becoming `bytes`.
 */
function withoutBinary(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => withoutBinary(item, depth + 1));
  const record = value as Record<string, unknown>;
  const binaryData = typeof record['data'] === 'string' && (record['type'] === 'image' || record['type'] === 'audio' || typeof record['mimeType'] === 'string');
  const copy: Record<string, unknown> = {};
  let bytes: number | undefined;
  for (const [key, item] of Object.entries(record)) {
    if ((key === 'data' && binaryData) || (key === 'blob' && typeof item === 'string')) bytes = base64Bytes(item as string);
    else copy[key] = withoutBinary(item, depth + 1);
  }
  if (bytes !== undefined) copy['bytes'] = bytes;
  return copy;
}

function base64Bytes(base64: string): number {
  return Buffer.byteLength(base64, 'base64');
}
