import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';

/**
 * Runs a CommonJS script (as `node -e` runs it) that requires `entries` in order and prints, after
 * each, which optional peer packages are in the require cache.
 */
async function optionalPeersLoaded(entries: string[], nodeOptions: string[] = []): Promise<Record<string, string[]>> {
  const script = `
    const peers = () => [...new Set(Object.keys(require.cache)
      .map((file) => /node_modules[\\\\/](@nestjs[\\\\/][^\\\\/]+|@modelcontextprotocol[\\\\/][^\\\\/]+)/.exec(file)?.[1].replace(/\\\\/g, '/'))
      .filter(Boolean))].sort();
    const seen = {};
    for (const entry of ${JSON.stringify(entries)}) {
      require(entry);
      seen[entry] = peers();
    }
    console.log(JSON.stringify(seen));`;
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeOptions, '-e', script], { cwd: process.cwd() });
  return JSON.parse(stdout);
}

describe('packaging: the CommonJS build loads optional peers only where needed', () => {
  it('require() of the core, /testing and /anthropic entries loads neither NestJS nor the MCP SDK', async () => {
    // --no-experimental-require-module: behave like Node 20.0-20.18, which cannot require() an ES module.
    const seen = await optionalPeersLoaded(
      ['chat-cmpl-stream-handler', 'chat-cmpl-stream-handler/testing', 'chat-cmpl-stream-handler/anthropic'],
      ['--no-experimental-require-module'],
    );
    expect(Object.values(seen)).to.deep.equal([[], [], []]);
  });

  // Without that flag: NestJS 12 (the dev dependency) is itself an ES module, so a CommonJS Nest 12 app needs require(esm).
  it('require() of /nest loads NestJS but not the MCP SDK; /mcp loads the SDK', async () => {
    const seen = await optionalPeersLoaded(['chat-cmpl-stream-handler/nest', 'chat-cmpl-stream-handler/mcp']);
    expect(seen['chat-cmpl-stream-handler/nest']).to.include.members(['@nestjs/common', '@nestjs/core']);
    expect(seen['chat-cmpl-stream-handler/nest']!.some((name) => name.startsWith('@modelcontextprotocol/'))).to.equal(false);
    expect(seen['chat-cmpl-stream-handler/mcp']).to.include('@modelcontextprotocol/sdk');
  });
});
