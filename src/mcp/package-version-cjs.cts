// The CommonJS build's version of package-version.ts (tshy's dialect polyfill).

/** This package's version (for the MCP client's `clientInfo`), or `'0.0.0'` when package.json cannot be read. */
export const packageVersion: string = (() => {
  try {
    // From dist/commonjs/mcp/ to the package root.
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
