// The ESM build's version of this module; the CommonJS build uses package-version-cjs.cts instead
// (tshy's dialect polyfill), since `import.meta` does not exist there.
import { createRequire } from 'node:module';

/** This package's version (for the MCP client's `clientInfo`), or `'0.0.0'` when package.json cannot be read. */
export const packageVersion: string = (() => {
  try {
    // From dist/esm/mcp/ to the package root.
    // @ts-ignore -- import.meta is ESM only; this file is replaced in the CommonJS build.
    return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
