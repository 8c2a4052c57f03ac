// The CommonJS build's version of mcp-entry.ts (tshy's dialect polyfill).

/** Loads the `/mcp` entry (and with it the MCP SDK) only when the module options list MCP servers. */
export async function loadMcpEntry(): Promise<typeof import('../mcp/index.js')> {
  return require('../mcp/index.js') as typeof import('../mcp/index.js');
}
