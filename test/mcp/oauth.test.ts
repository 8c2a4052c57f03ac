import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { expect } from 'chai';
import { streamUntilUserInputEvents, type ToolCall } from 'chat-cmpl-stream-handler';
import {
  ClientCredentialsProvider,
  McpConfigurationError,
  McpConnectionError,
  McpToolset,
  UnauthorizedError,
  type McpUrlServerConfig,
} from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, user } from '../support/helpers.js';
import { MemoryOAuthClient, startProtectedMcpServer, TestAuthorizationServer } from './fixtures/oauth-servers.js';

const CONFORMANCE_CLIENT = fileURLToPath(new URL('../../examples/mcp-conformance-client.js', import.meta.url));

/** Notes: whoami tells which client and scopes the token carries; write_note needs notes:write (see toolScopes). */
function createNotesServer(): McpServer {
  const server = new McpServer({ name: 'notes', version: '1.0.0' });
  server.registerTool('whoami', { description: 'The OAuth client and scopes of the caller' }, async (extra) => ({
    content: [{ type: 'text', text: `${extra.authInfo?.clientId} ${extra.authInfo?.scopes.join(',')}` }],
  }));
  server.registerTool('write_note', { description: 'Writes a note' }, async () => ({ content: [{ type: 'text', text: 'written' }] }));
  server.registerTool('test-tool', { description: 'What the conformance client calls' }, async () => ({ content: [{ type: 'text', text: 'test-tool ran' }] }));
  return server;
}

const callOf = (name: string, args: object = {}): ToolCall => ({ id: `call_${name}`, type: 'function', function: { name, arguments: JSON.stringify(args) } });

async function call(toolset: McpToolset, name: string): Promise<string> {
  const tool = toolset.tools.find((candidate) => candidate.schema.function.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return (await tool.invoke(callOf(name), undefined)).content;
}

describe('mcp: OAuth through authProvider (a real authorization server on 127.0.0.1)', () => {
  let as: TestAuthorizationServer;
  let rs: Awaited<ReturnType<typeof startProtectedMcpServer>>;
  const toolsets: McpToolset[] = [];
  const connect = async (config: McpUrlServerConfig) => {
    const toolset = await McpToolset.connect(config);
    toolsets.push(toolset);
    return toolset;
  };
  beforeEach(async () => {
    as = await TestAuthorizationServer.start();
    rs = await startProtectedMcpServer(as, createNotesServer, { scopes: ['notes:read'], toolScopes: { write_note: ['notes:write'] } });
  });
  afterEach(async () => {
    await Promise.all(toolsets.splice(0).map((toolset) => toolset.close()));
    await rs.close();
    await as.close();
  });

  it('authorization code with discovery, dynamic registration and PKCE: connect rejects with UnauthorizedError after the redirect; finishAuth completes it', async () => {
    const provider = new MemoryOAuthClient();
    const config = { url: rs.url, authProvider: provider, label: 'notes' };

    const error = await rejectionOf(McpToolset.connect(config));
    expect(error).to.be.instanceOf(UnauthorizedError);
    expect(provider.redirects).to.have.length(1);
    const authorizationUrl = provider.redirects[0]!;
    expect(authorizationUrl.href.startsWith(`${as.url}/authorize?`)).to.equal(true);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(authorizationUrl.searchParams.get('scope')).to.equal('notes:read');
    expect(authorizationUrl.searchParams.get('resource')).to.equal(rs.url);
    expect(as.log.registrations).to.have.length(1);
    expect(provider.saved).to.equal(undefined);

    await McpToolset.finishAuth(config, provider.lastCode!);
    expect(as.log.tokenRequests).to.deep.equal([{ grantType: 'authorization_code', clientId: as.log.registrations[0] }]);
    const toolset = await connect(config);
    expect(await call(toolset, 'notes__whoami')).to.equal(`${as.log.registrations[0]} notes:read`);
    const admitted = rs.log.requests.filter((request) => request.status === 200);
    expect(admitted.map((request) => request.token)).to.satisfy((tokens: unknown[]) => tokens.every((token) => token === provider.saved!.access_token));
  });

  it('a pre-registered client authorizes without registering', async () => {
    as.addClient({ client_id: 'known-app', client_secret: 's3cret', redirect_uris: ['http://127.0.0.1:1/callback'] });
    const provider = new MemoryOAuthClient({ preRegistered: { client_id: 'known-app', client_secret: 's3cret', redirect_uris: ['http://127.0.0.1:1/callback'] } });
    const config = { url: rs.url, authProvider: provider };
    expect(await rejectionOf(McpToolset.connect(config))).to.be.instanceOf(UnauthorizedError);
    await McpToolset.finishAuth(config, provider.lastCode!);
    const toolset = await connect(config);
    expect(await call(toolset, 'whoami')).to.equal('known-app notes:read');
    expect(as.log.registrations).to.deep.equal([]);
  });

  it('refreshes an expired token on a 401 mid-session and retries the call, without asking the user again', async () => {
    const provider = new MemoryOAuthClient();
    const config = { url: rs.url, authProvider: provider };
    await rejectionOf(McpToolset.connect(config));
    await McpToolset.finishAuth(config, provider.lastCode!);
    const toolset = await connect(config);
    const firstToken = provider.saved!.access_token;

    as.expireAccessTokens();
    expect(await call(toolset, 'whoami')).to.contain('notes:read');

    expect(provider.saved!.access_token).not.to.equal(firstToken);
    expect(as.log.tokenRequests.map((request) => request.grantType)).to.deep.equal(['authorization_code', 'refresh_token']);
    expect(provider.redirects).to.have.length(1);
    expect(rs.log.requests.slice(-2).map((request) => request.status)).to.deep.equal([401, 200]);
  });

  it('a 401 mid-session that needs the user fails the call with UnauthorizedError; after finishAuth the same toolset works again', async () => {
    const provider = new MemoryOAuthClient();
    const config = { url: rs.url, authProvider: provider };
    await rejectionOf(McpToolset.connect(config));
    await McpToolset.finishAuth(config, provider.lastCode!);
    const toolset = await connect(config);

    as.expireAccessTokens();
    delete provider.saved!.refresh_token;
    const error = await rejectionOf(call(toolset, 'whoami'));
    expect(error).to.be.instanceOf(UnauthorizedError);
    expect(provider.redirects).to.have.length(2);

    await McpToolset.finishAuth(config, provider.lastCode!);
    expect(await call(toolset, 'whoami')).to.contain('notes:read');
  });

  it('steps up the scope on 403 insufficient_scope: asks for the wider scope, and the call succeeds once authorized', async () => {
    const provider = new MemoryOAuthClient();
    const config = { url: rs.url, authProvider: provider, label: 'notes' };
    await rejectionOf(McpToolset.connect(config));
    await McpToolset.finishAuth(config, provider.lastCode!);
    const toolset = await connect(config);

    // In a run: the call that needs more scope fails as tool_call.failed, and the model is told.
    const chat = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('notes__write_note', {})), reply.text('I need you to approve writing.')] });
    try {
      const events = await collect(streamUntilUserInputEvents({ client: chat.client(), model: 'gpt-4.1-nano', messages: [user('write it')], tools: [toolset] }));
      const failed = events.find((event) => event.type === 'tool_call.failed');
      expect(failed?.type === 'tool_call.failed' && failed.error).to.be.instanceOf(UnauthorizedError);
      expect(events.at(-1)?.type).to.equal('run.completed');
    } finally {
      await chat.close();
    }
    expect(provider.redirects).to.have.length(2);
    expect(provider.redirects[1]!.searchParams.get('scope')).to.equal('notes:read notes:write');

    await McpToolset.finishAuth(config, provider.lastCode!);
    expect(await call(toolset, 'notes__write_note')).to.equal('written');
    expect(await call(toolset, 'notes__whoami')).to.contain('notes:read,notes:write');
  });

  it('ClientCredentialsProvider (machine to machine) gets its token without any redirect', async () => {
    as.addClient({ client_id: 'billing-service', client_secret: 'service-secret', scope: 'notes:read' });
    const provider = new ClientCredentialsProvider({ clientId: 'billing-service', clientSecret: 'service-secret', scope: 'notes:read', expectedIssuer: as.url });
    const toolset = await connect({ url: rs.url, authProvider: provider });
    expect(await call(toolset, 'whoami')).to.equal('billing-service notes:read');
    expect(as.log.tokenRequests).to.deep.equal([{ grantType: 'client_credentials', clientId: 'billing-service' }]);
  });

  it('sends every request, OAuth ones included, through the given fetch with requestInit', async () => {
    as.addClient({ client_id: 'billing-service', client_secret: 'service-secret', scope: 'notes:read' });
    const seen: { url: string; trace: string | null }[] = [];
    const toolset = await connect({
      url: rs.url,
      authProvider: new ClientCredentialsProvider({ clientId: 'billing-service', clientSecret: 'service-secret', scope: 'notes:read', expectedIssuer: as.url }),
      requestInit: { headers: { 'x-trace': 'abc' } },
      fetch: (input, init) => {
        seen.push({ url: String(input), trace: new Headers(init?.headers).get('x-trace') });
        return fetch(input, init);
      },
    });
    await call(toolset, 'whoami');
    const urls = seen.map((request) => request.url);
    expect(urls).to.include(`${as.url}/token`);
    expect(urls.some((url) => url.includes('/.well-known/oauth-protected-resource'))).to.equal(true);
    expect(seen.filter((request) => request.url === rs.url).every((request) => request.trace === 'abc')).to.equal(true);
  });

  it('without an authProvider a 401 fails connect with McpConnectionError saying what to pass', async () => {
    const error = await rejectionOf(McpToolset.connect({ url: rs.url }));
    expect(error).to.be.instanceOf(McpConnectionError);
    expect(error.message).to.contain('unauthorized').and.contain('authProvider');
    expect(error.attempts).to.have.length(1);
  });

  it('authorizes over the deprecated HTTP+SSE transport too', async () => {
    const sse = await startProtectedMcpServer(as, createNotesServer, { scopes: ['notes:read'], transport: 'sse' });
    try {
      const provider = new MemoryOAuthClient();
      const config = { url: sse.url, authProvider: provider };
      expect(await rejectionOf(McpToolset.connect(config))).to.be.instanceOf(UnauthorizedError);
      await McpToolset.finishAuth(config, provider.lastCode!);
      const toolset = await connect(config);
      expect(await call(toolset, 'whoami')).to.contain('notes:read');
      expect(sse.log.requests.some((request) => request.method === 'GET' && request.status === 200)).to.equal(true);
    } finally {
      await sse.close();
    }
  });

  it('refuses an Authorization header next to an authProvider, which would replace its token', async () => {
    const error = await rejectionOf(McpToolset.connect({ url: rs.url, authProvider: new MemoryOAuthClient(), headers: { authorization: 'Bearer static' } }));
    expect(error).to.be.instanceOf(McpConfigurationError);
    expect(error.message).to.contain('Authorization header would replace the OAuth token');
    expect(rs.log.requests).to.deep.equal([]);
  });

  it('finishAuth refuses a config without authProvider and an empty code', async () => {
    expect((await rejectionOf(McpToolset.finishAuth({ url: rs.url }, 'code'))).message).to.contain('authProvider');
    expect((await rejectionOf(McpToolset.finishAuth({ url: rs.url, authProvider: new MemoryOAuthClient() }, ''))).message).to.contain('authorization code');
  });

  it('examples/mcp-conformance-client completes the authorization code flow and calls test-tool', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CONFORMANCE_CLIENT, rs.url], {
      env: { ...process.env, MCP_CONFORMANCE_SCENARIO: 'auth/metadata-default' },
      timeout: 20_000,
    });
    expect(stdout).to.contain('test-tool -> test-tool ran');
    expect(as.log.tokenRequests.map((request) => request.grantType)).to.deep.equal(['authorization_code']);
  });
});
