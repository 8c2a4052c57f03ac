// The ESM build's version of this module; the CommonJS build uses mcp-entry-cjs.cts instead (tshy's
// dialect polyfill): a `require()` there, because jest runs CommonJS code in a VM where `import()`
// fails without --experimental-vm-modules.

/** Loads the `/mcp` entry (and with it the MCP SDK) only when the module options list MCP servers. */
export function loadMcpEntry(): Promise<typeof import('../mcp/index.js')> {
  return import('../mcp/index.js');
}
