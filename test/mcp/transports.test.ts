import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { ToolCall } from 'chat-cmpl-stream-handler';
import {
  clearMcpEndpointCache,
  McpConnectionError,
  McpConfigurationError,
  McpToolCallError,
  McpToolset,
  rememberedMcpEndpoint,
  type McpTool,
} from 'chat-cmpl-stream-handler/mcp';
import { rejectionOf } from '../support/helpers.js';
import { createDemoServer, newDemoLog } from './fixtures/demo-server.js';
import { startSseOnlyServer, startStreamableHttpServer, type HttpMcpServer } from './fixtures/http-servers.js';

const STDIO_SERVER = fileURLToPath(new URL('./fixtures/stdio-server.js', import.meta.url));
const stdioConfig = (extraArgs: string[] = []) => ({ command: process.execPath, args: [STDIO_SERVER, ...extraArgs] });

const call = (name: string, args: unknown = {}): ToolCall => ({ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(args) } });
const invoke = (tool: McpTool, args: unknown = {}) =>
  tool.invoke(call(tool.schema.function.name, args), undefined, { signal: new AbortController().signal, iteration: 0 });
const byName = (toolset: McpToolset, mcpName: string) => toolset.tools.find((t) => t.mcpName === mcpName)!;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('mcp: transports', () => {
  const servers: HttpMcpServer[] = [];
  const toolsets: McpToolset[] = [];
  const track = (toolset: McpToolset) => (toolsets.push(toolset), toolset);
  beforeEach(() => clearMcpEndpointCache());
  afterEach(async () => {
    await Promise.all(toolsets.splice(0).map((t) => t.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  describe('URL servers', () => {
    it('connects over Streamable HTTP, sends the configured headers, and ends the session on close', async () => {
      const server = await startStreamableHttpServer(() => createDemoServer());
      servers.push(server);
      const toolset = await McpToolset.connect({ url: `${server.url}/mcp`, label: 'demo', headers: { 'x-api-key': 'k-123' } });
      expect(rememberedMcpEndpoint(`${server.url}/mcp/`)).to.deep.equal({ transport: 'streamable-http', url: `${server.url}/mcp` });
      expect((await invoke(byName(toolset, 'echo'), { text: 'over http' })).content).to.equal('over http');
      expect(server.requests.length).to.be.greaterThan(2);
      for (const request of server.requests) expect(request.headers['x-api-key']).to.equal('k-123');
      await toolset.close();
      expect(server.requests.at(-1)).to.deep.include({ method: 'DELETE', path: '/mcp' });
    });

    it('falls back to SSE on the common paths and remembers the endpoint that worked', async () => {
      const server = await startSseOnlyServer(() => createDemoServer());
      servers.push(server);
      const first = track(await McpToolset.connect({ url: server.url, label: 'legacy' }));
      expect((await invoke(byName(first, 'echo'), { text: 'over sse' })).content).to.equal('over sse');
      const discovery = server.requests.filter((r) => r.path !== '/messages').map((r) => `${r.method} ${r.path}`);
      expect(discovery).to.deep.equal(['POST /', 'GET /', 'GET /sse']);
      expect(rememberedMcpEndpoint(server.url)).to.deep.equal({ transport: 'sse', url: `${server.url}/sse` });

      server.requests.splice(0);
      const second = track(await McpToolset.connect({ url: server.url }));
      expect(second.tools).to.have.length(first.tools.length);
      expect(`${server.requests[0]!.method} ${server.requests[0]!.path}`).to.equal('GET /sse');
    });

    it('stops at once when nothing listens, naming the URL and what was tried', async () => {
      const port = await freePort();
      const error = await rejectionOf(McpToolset.connect({ url: `http://127.0.0.1:${port}/mcp`, label: 'gone' }));
      expect(error).to.be.instanceOf(McpConnectionError);
      expect(error.message).to.contain(`Could not connect to mcp server "gone" at http://127.0.0.1:${port}/mcp: nothing answers there (ECONNREFUSED)`);
      expect(error.attempts).to.have.length(1);
    });

    it('reconnects once when the HTTP server restarted and forgot the session', async () => {
      const log = newDemoLog();
      let server = await startStreamableHttpServer(() => createDemoServer(log));
      const port = server.port;
      servers.push(server);
      const toolset = track(await McpToolset.connect({ url: `${server.url}/mcp` }));
      const echo = byName(toolset, 'echo');
      await invoke(echo, { text: 'before' });

      await server.close();
      servers.splice(0);
      server = await startStreamableHttpServer(() => createDemoServer(log), { port });
      servers.push(server);

      const error = await rejectionOf(invoke(echo, { text: 'lost' }));
      expect(error).to.be.instanceOf(McpToolCallError);
      expect(error.connectionLost).to.equal(true);
      expect(error.message).to.contain('The connection to mcp server "demo-server" broke during the call of tool "echo"');
      expect((await invoke(echo, { text: 'after' })).content).to.equal('after');
      expect(log.calls.map((c) => c.args['text'])).to.deep.equal(['before', 'after']);
    });
  });

  describe('stdio servers', () => {
    it('starts the process, calls its tools, and ends it on close (await using)', async () => {
      let pid: number;
      {
        await using toolset = await McpToolset.connect({ ...stdioConfig(), label: 'local' });
        pid = Number((await invoke(byName(toolset, 'pid'))).content);
        expect(isAlive(pid)).to.equal(true);
        expect(toolset.tools.map((t) => t.schema.function.name)).to.include('local__echo');
      }
      expect(isAlive(pid)).to.equal(false);
    });

    it("shows the process's stderr when it dies before answering, naming the script however deep the checkout is", async () => {
      // A symlink to the fixture at the end of a long path: the command line is long wherever the repo lives.
      const deep = join(await mkdtemp(join(tmpdir(), 'mcp-stdio-')), ...Array.from({ length: 6 }, (_, i) => `a-rather-long-directory-name-${i}`));
      await mkdir(deep, { recursive: true });
      const script = join(deep, 'stdio-server.js');
      await symlink(STDIO_SERVER, script);
      for (const label of ['broken', undefined]) {
        const error = await rejectionOf(McpToolset.connect({ command: process.execPath, args: [script, '--fail-on-start'], ...(label ? { label } : {}) }));
        expect(error).to.be.instanceOf(McpConnectionError);
        const named = label ? 'mcp server "broken"' : 'mcp server "node …/a-rather-long-directory-name-5/stdio-server.js --fail-on-start"';
        expect(error.message).to.contain(`Could not start ${named} (node …/a-rather-long-directory-name-5/stdio-server.js --fail-on-start)`);
        expect(error.stderr).to.equal('config error: DEMO_API_KEY is not set');
        expect(error.message).to.contain('Last stderr output of the server:\nconfig error: DEMO_API_KEY is not set');
      }
    });

    it('cuts the middle of a command line that is still too long, keeping the command, the script and the end', async () => {
      const args = [STDIO_SERVER, '--fail-on-start', ...Array.from({ length: 12 }, (_, i) => `--option-${i}=value`)];
      const error = await rejectionOf(McpToolset.connect({ command: process.execPath, args }));
      const target = /\(([^()]*)\): /.exec(error.message)![1]!;
      expect(target).to.have.length(80);
      expect(target).to.match(/^node …\/fixtures\/stdio-server\.js --fail-on-start.*….*--option-11=value$/);
    });

    it('says so when the command does not exist', async () => {
      const error = await rejectionOf(McpToolset.connect({ command: 'no-such-mcp-server-command-x' }));
      expect(error).to.be.instanceOf(McpConnectionError);
      expect(error.message).to.contain('command "no-such-mcp-server-command-x" was not found');
    });

    it('fails the call during which the process crashed, with its stderr, and starts a new process at the next call', async () => {
      const stderrSeen: string[] = [];
      const toolset = track(await McpToolset.connect({ ...stdioConfig(), onStderr: (text) => stderrSeen.push(text) }));
      const firstPid = Number((await invoke(byName(toolset, 'pid'))).content);

      const error = await rejectionOf(invoke(byName(toolset, 'crash')));
      expect(error).to.be.instanceOf(McpToolCallError);
      expect(error).to.deep.include({ tool: 'crash', connectionLost: true });
      expect(error.message).to.contain('broke during the call of tool "crash"').and.contain('fatal: simulated crash in crash tool');

      const secondPid = Number((await invoke(byName(toolset, 'pid'))).content);
      expect(secondPid).to.be.a('number').and.not.equal(firstPid);
      expect(isAlive(firstPid)).to.equal(false);
      expect(toolset.stale).to.equal(true);
      expect(stderrSeen.join('')).to.contain(`demo stdio server ${firstPid} ready`).and.contain(`demo stdio server ${secondPid} ready`);
    });
  });

  describe('configs', () => {
    it('rejects configs that are not one of url, command or client, and options of another kind', async () => {
      const none = await rejectionOf(McpToolset.connect({ label: 'x' } as never));
      expect(none).to.be.instanceOf(McpConfigurationError);
      expect(none.message).to.contain('needs one of url (an HTTP server), command (a stdio server to start) or client');
      const two = await rejectionOf(McpToolset.connect({ url: 'http://127.0.0.1:1', command: 'x' } as never));
      expect(two.message).to.contain('only one of url, command and client; this one has url and command');
      const wrongOptions = await rejectionOf(McpToolset.connect({ command: 'x', headers: { a: 'b' }, serverUrl: 'y', timeout: -1 } as never));
      expect(wrongOptions.message)
        .to.contain('"headers" is not an option of stdio servers')
        .and.contain('"serverUrl" is not an option of stdio servers')
        .and.contain('timeout must be a positive number of milliseconds, got -1');
      const badUrl = await rejectionOf(McpToolset.connect({ url: 'localhost:3000/mcp' }));
      expect(badUrl.message).to.contain('url must use http: or https:');
    });
  });
});
