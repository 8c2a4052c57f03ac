import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createDemoServer } from '../mcp/fixtures/demo-server.js';
import { startStreamableHttpServer, type HttpMcpServer } from '../mcp/fixtures/http-servers.js';
import { importEsm, requireCommonJs } from '../support/package-copies.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('packaging: both builds find their package.json', () => {
  let http: HttpMcpServer | undefined;
  afterEach(async () => http?.close());

  for (const [build, load] of [
    ['ESM', importEsm],
    ['CommonJS', requireCommonJs],
  ] as const) {
    it(`the ${build} build's MCP client introduces itself with the package's name and version`, async () => {
      const servers: McpServer[] = [];
      http = await startStreamableHttpServer(() => {
        const server = createDemoServer();
        servers.push(server);
        return server;
      });
      const { McpToolset } = await load('mcp');
      const toolset = await McpToolset.connect({ url: `${http.url}/mcp` });
      try {
        expect(servers[0]!.server.getClientVersion()).to.deep.include({ name: 'chat-cmpl-stream-handler', version });
      } finally {
        await toolset.close();
      }
    });
  }
});
