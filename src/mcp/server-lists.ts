import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool as McpToolDefinition, Prompt, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';

/**
 * Every item of a server's list (all pages), or none when the server does not declare the
 * capability behind it: a server with only prompts has no `tools/list` to call.
 */
export function listAllTools(client: Client): Promise<McpToolDefinition[]> {
  if (!client.getServerCapabilities()?.tools) return Promise.resolve([]);
  return allPages((cursor) => client.listTools(cursor === undefined ? undefined : { cursor }), (page) => page.tools);
}

/** Every resource (see {@link listAllTools}). */
export function listAllResources(client: Client, signal: AbortSignal | undefined): Promise<Resource[]> {
  if (!client.getServerCapabilities()?.resources) return Promise.resolve([]);
  return allPages((cursor) => client.listResources(cursor === undefined ? undefined : { cursor }, { signal }), (page) => page.resources);
}

/** Every resource template (see {@link listAllTools}). */
export function listAllResourceTemplates(client: Client, signal: AbortSignal | undefined): Promise<ResourceTemplate[]> {
  if (!client.getServerCapabilities()?.resources) return Promise.resolve([]);
  return allPages((cursor) => client.listResourceTemplates(cursor === undefined ? undefined : { cursor }, { signal }), (page) => page.resourceTemplates);
}

/** Every prompt (see {@link listAllTools}). */
export function listAllPrompts(client: Client, signal: AbortSignal | undefined): Promise<Prompt[]> {
  if (!client.getServerCapabilities()?.prompts) return Promise.resolve([]);
  return allPages((cursor) => client.listPrompts(cursor === undefined ? undefined : { cursor }, { signal }), (page) => page.prompts);
}

async function allPages<P extends { nextCursor?: string | undefined }, T>(fetchPage: (cursor: string | undefined) => Promise<P>, items: (page: P) => T[]): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    all.push(...items(page));
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
