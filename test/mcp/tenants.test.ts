import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { expect } from 'chai';
import { Agent, type ToolCall } from 'chat-cmpl-stream-handler';
import { ClientCredentialsProvider, McpConfigurationError, McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';
import { rejectionOf } from '../support/helpers.js';
import { startStreamableHttpServer, type HttpMcpServer } from './fixtures/http-servers.js';
import { startProtectedMcpServer, TestAuthorizationServer } from './fixtures/oauth-servers.js';

/** whoami answers with the Authorization header of the request and the MCP session it came in. */
function createWhoamiServer(): McpServer {
  const server = new McpServer({ name: 'tenants', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who is asking' }, async (extra) => ({
    content: [{ type: 'text', text: `${extra.requestInfo?.headers['authorization'] ?? extra.authInfo?.clientId} in ${extra.sessionId ?? 'no session'}` }],
  }));
  return server;
}

const whoamiCall: ToolCall = { id: 'call_who', type: 'function', function: { name: 'whoami', arguments: '{}' } };
const initializeRequests = (server: HttpMcpServer) => server.requests.filter((request) => request.method === 'POST' && request.headers['mcp-session-id'] === undefined);

describe('mcp: per-tenant credentials (headers and authProvider as functions of the run context)', () => {
  let server: HttpMcpServer;
  let toolset: McpToolset<{ user?: string }> | undefined;
  beforeEach(async () => {
    server = await startStreamableHttpServer(createWhoamiServer);
  });
  afterEach(async () => {
    await toolset?.close();
    toolset = undefined;
    await server.close();
  });

  it("one Agent serves two users at once: each user's calls carry their own header in their own session", async () => {
    toolset = await McpToolset.connect<{ user?: string }>({
      url: `${server.url}/mcp`,
      headers: (context) => ({ Authorization: `Bearer ${context?.user ?? 'service'}` }),
    });
    // The toolset's own connection (tool listing) used the headers of no context.
    expect(initializeRequests(server).map((request) => request.headers['authorization'])).to.deep.equal(['Bearer service']);

    // Each request gets a tool call first, then (after the tool message) the tool's answer as text.
    const answer = reply.dynamic((request) => {
      const last = request.body.messages.at(-1);
      return last.role === 'tool' ? reply.text(last.content) : reply.toolCalls(toolCall('whoami', {}));
    });
    const chat = await ScriptedChatServer.start({ script: [answer, answer, answer, answer] });
    try {
      const agent = new Agent<{ user?: string }>({ client: chat.client(), model: 'gpt-4.1-nano', toolsets: [toolset] });
      const [alice, bob] = await Promise.all([agent.run('who am I?', { context: { user: 'alice' } }), agent.run('who am I?', { context: { user: 'bob' } })]);
      const aliceSession = /^Bearer alice in (.+)$/.exec(alice.finalContent ?? '')?.[1];
      const bobSession = /^Bearer bob in (.+)$/.exec(bob.finalContent ?? '')?.[1];
      expect(aliceSession, alice.finalContent ?? '').to.be.a('string');
      expect(bobSession, bob.finalContent ?? '').to.be.a('string').and.not.equal(aliceSession);

      // A second call of alice's reuses her session.
      const again = await toolset.tools[0]!.invoke(whoamiCall, { user: 'alice' });
      expect(again.content).to.equal(`Bearer alice in ${aliceSession}`);
      expect(initializeRequests(server)).to.have.length(3);
    } finally {
      await chat.close();
    }

    await toolset.close();
    toolset = undefined;
    const ended = server.requests.filter((request) => request.method === 'DELETE').map((request) => request.headers['authorization']);
    expect(ended).to.have.members(['Bearer service', 'Bearer alice', 'Bearer bob']);
  });

  it('takes an async headers function, and the context that gives the default headers shares the main session', async () => {
    toolset = await McpToolset.connect<{ user?: string }>({
      url: `${server.url}/mcp`,
      headers: async (context) => ({ 'X-Tenant': context?.user ?? 'acme' }),
    });
    const viaMain = await toolset.tools[0]!.invoke(whoamiCall, { user: 'acme' });
    expect(viaMain.content).to.match(/ in [0-9a-f-]{36}$/);
    expect(initializeRequests(server)).to.have.length(1);
    await toolset.tools[0]!.invoke(whoamiCall, { user: 'globex' });
    expect(initializeRequests(server).map((request) => request.headers['x-tenant'])).to.deep.equal(['acme', 'globex']);
  });

  it('fails the call with McpConfigurationError when the headers function returns something else than string values', async () => {
    toolset = await McpToolset.connect<{ user?: string }>({
      url: `${server.url}/mcp`,
      headers: (context) => (context?.user ? ({ 'X-User': 42 } as never) : {}),
    });
    const error = await rejectionOf(toolset.tools[0]!.invoke(whoamiCall, { user: 'alice' }));
    expect(error).to.be.instanceOf(McpConfigurationError);
    expect(error.message).to.contain('headers(context) must return an object of string values').and.contain('X-User: number');
  });

  it('picks the OAuth provider per context: each user gets tokens of their own client', async () => {
    const as = await TestAuthorizationServer.start();
    const protectedServer = await startProtectedMcpServer(as, createWhoamiServer);
    try {
      as.addClient({ client_id: 'service', client_secret: 's0' });
      as.addClient({ client_id: 'alice-app', client_secret: 's1' });
      const providers: Record<string, ClientCredentialsProvider> = {
        service: new ClientCredentialsProvider({ clientId: 'service', clientSecret: 's0', expectedIssuer: as.url }),
        alice: new ClientCredentialsProvider({ clientId: 'alice-app', clientSecret: 's1', expectedIssuer: as.url }),
      };
      toolset = await McpToolset.connect<{ user?: string }>({ url: protectedServer.url, authProvider: (context) => providers[context?.user ?? 'service'] });
      const result = await toolset.tools[0]!.invoke(whoamiCall, { user: 'alice' });
      expect(result.content).to.match(/^Bearer at-/);
      expect(as.log.tokenRequests.map((request) => request.clientId)).to.deep.equal(['service', 'alice-app']);
      const aliceToken = providers['alice']!.tokens()?.access_token;
      expect(protectedServer.log.requests.filter((request) => request.method === 'tools/call').map((request) => request.token)).to.deep.equal([aliceToken]);
    } finally {
      await toolset?.close();
      toolset = undefined;
      await protectedServer.close();
      await as.close();
    }
  });
});
