import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect } from 'chai';
import { mcpHttpHandler, McpConfigurationError, type McpHttpHandler } from 'chat-cmpl-stream-handler/mcp';
import { sleep } from '../../support/helpers.js';
import { INITIALIZE, parseSse, rawRequest, serveHandler } from './fixtures/http.js';
import { ShopTools } from './fixtures/toolsets.js';

const shopHandler = (options: Partial<Parameters<typeof mcpHttpHandler>[0]> = {}) =>
  mcpHttpHandler({ name: 'shop', version: '1.0.0', toolsets: [new ShopTools()], ...options });

async function connect(url: string, headers: Record<string, string> = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'http-client', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

describe('mcp server over Streamable HTTP: mcpHttpHandler', () => {
  let handler: McpHttpHandler;
  let served: Awaited<ReturnType<typeof serveHandler>>;

  afterEach(async () => {
    await served?.close();
  });

  describe('sessions', () => {
    beforeEach(async () => {
      handler = shopHandler();
      served = await serveHandler(handler);
    });

    it('starts a session per initialize, serves its calls, and ends it on DELETE', async () => {
      const first = await connect(served.url);
      const second = await connect(served.url);
      expect(first.transport.sessionId).to.be.a('string');
      expect(first.transport.sessionId).not.to.equal(second.transport.sessionId);
      expect(handler.sessionCount).to.equal(2);
      expect(await first.client.callTool({ name: 'ship_order', arguments: { orderId: 'A-1', address: { street: 'Main St', country: 'FR' } } })).to.deep.equal({
        content: [{ type: 'text', text: 'shipping A-1 standard to Main St, FR' }],
      });
      await first.transport.terminateSession();
      await first.client.close();
      expect(handler.sessionCount).to.equal(1);
      const gone = await rawRequest(served.url, {
        headers: { 'mcp-session-id': first.transport.sessionId ?? 'x' },
        body: { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      });
      expect(gone.status).to.equal(404);
      expect(JSON.parse(gone.body).error.message).to.match(/^Session not found/);
      await second.client.close();
    });

    it('refuses a request without a session that is not an initialize (400), a GET without one (400), and a body that is not JSON', async () => {
      const list = await rawRequest(served.url, { body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
      expect(list.status).to.equal(400);
      expect(JSON.parse(list.body).error.message).to.contain('the first request of a session must be initialize');
      expect((await rawRequest(served.url, { method: 'GET' })).status).to.equal(400);
      const broken = await rawRequest(served.url, { rawBody: '{"jsonrpc":' });
      expect(broken.status).to.equal(400);
      expect(JSON.parse(broken.body).error.code).to.equal(-32700);
    });

    it('ends a session that stays idle for sessionIdleTimeout; its id then gets 404', async () => {
      await served.close();
      handler = shopHandler({ sessionIdleTimeout: 400 });
      served = await serveHandler(handler);
      const init = await rawRequest(served.url, { body: INITIALIZE });
      const sessionId = init.headers['mcp-session-id'] as string;
      expect(handler.sessionCount).to.equal(1);
      await sleep(250);
      const ping = await rawRequest(served.url, { headers: { 'mcp-session-id': sessionId }, body: { jsonrpc: '2.0', id: 2, method: 'ping' } });
      expect(ping.status, 'a request restarts the idle time').to.equal(200);
      await sleep(250);
      expect(handler.sessionCount, '500 ms after the session opened, 250 ms after its last request').to.equal(1);
      for (let i = 0; i < 100 && handler.sessionCount > 0; i++) await sleep(10);
      expect(handler.sessionCount).to.equal(0);
      const gone = await rawRequest(served.url, { headers: { 'mcp-session-id': sessionId }, body: { jsonrpc: '2.0', id: 3, method: 'ping' } });
      expect(gone.status).to.equal(404);
    });

    it('close() ends every session', async () => {
      const { client } = await connect(served.url);
      expect(handler.sessionCount).to.equal(1);
      await handler.close();
      expect(handler.sessionCount).to.equal(0);
      await client.close();
    });
  });

  describe('DNS-rebinding protection (the server is reached on 127.0.0.1)', () => {
    it('answers 403 to a foreign Host or Origin, and serves localhost, 127.0.0.1 and [::1] on any port', async () => {
      served = await serveHandler(shopHandler());
      const evilHost = await rawRequest(served.url, { headers: { host: 'evil.example.com' }, body: INITIALIZE });
      expect(evilHost.status).to.equal(403);
      expect(JSON.parse(evilHost.body).error.message).to.contain('Host "evil.example.com" is not allowed');
      const evilOrigin = await rawRequest(served.url, { headers: { origin: 'http://evil.example.com' }, body: INITIALIZE });
      expect(evilOrigin.status).to.equal(403);
      expect(JSON.parse(evilOrigin.body).error.message).to.contain('Origin "http://evil.example.com" is not allowed');
      for (const host of ['localhost', `localhost:${served.port}`, `127.0.0.1:${served.port}`, '[::1]:8080']) {
        const ok = await rawRequest(served.url, { headers: { host, origin: `http://${host}` }, body: INITIALIZE });
        expect(ok.status, host).to.equal(200);
      }
    });

    it('accepts what allowedHosts and allowedOrigins add', async () => {
      served = await serveHandler(shopHandler({ allowedHosts: ['mcp.internal'], allowedOrigins: ['https://app.example.com'] }));
      expect((await rawRequest(served.url, { headers: { host: 'mcp.internal:8443' }, body: INITIALIZE })).status).to.equal(200);
      expect((await rawRequest(served.url, { headers: { origin: 'https://app.example.com' }, body: INITIALIZE })).status).to.equal(200);
      expect((await rawRequest(served.url, { headers: { origin: 'https://other.example.com' }, body: INITIALIZE })).status).to.equal(403);
    });

    it('rejects malformed HTTP options by name', () => {
      expect(() => shopHandler({ allowedHosts: 'localhost' as never, eventStore: {} as never })).to.throw(
        McpConfigurationError,
        'mcpHttpHandler(): `allowedHosts` must be an array of non-empty strings; `eventStore` must implement the SDK\'s EventStore (storeEvent, replayEventsAfter).',
      );
    });
  });

  describe('resumable streams', () => {
    it('starts each POST stream with a priming event (id, retry), and replays what a closed stream missed after Last-Event-ID', async () => {
      served = await serveHandler(shopHandler());
      const init = await rawRequest(served.url, { body: INITIALIZE });
      const sessionId = init.headers['mcp-session-id'] as string;
      // 2025-11-25, or what an older SDK negotiates (the peer range's lower bound, 1.24, knows 2025-06-18)
      const { protocolVersion } = JSON.parse(parseSse(init.body).find((event) => event.data !== '')!.data).result;
      const session = { 'mcp-session-id': sessionId, 'mcp-protocol-version': protocolVersion };
      await rawRequest(served.url, { headers: session, body: { jsonrpc: '2.0', method: 'notifications/initialized' } });

      const call = await rawRequest(served.url, { headers: session, body: { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'reconnect', arguments: {} } } });
      expect(call.headers['content-type']).to.contain('text/event-stream');
      const events = parseSse(call.body);
      expect(events[0]).to.deep.include({ retry: 1000, data: '' });
      expect(events[0]!.id).to.be.a('string');
      expect(events.some((event) => event.data.includes('"id":7')), 'the result did not come on the closed stream').to.equal(false);

      await sleep(150); // the tool answers 100 ms after closing its stream
      const resumed = await rawRequest(served.url, {
        method: 'GET',
        headers: { ...session, accept: 'text/event-stream', 'last-event-id': events.at(-1)!.id! },
        until: (body) => body.includes('"id":7'),
      });
      const replayed = parseSse(resumed.body).map((event) => JSON.parse(event.data));
      expect(replayed).to.deep.equal([{ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'answered after the stream closed' }] } }]);
    });

    it('lets the SDK client resume on its own: a call whose stream closes still resolves', async () => {
      const resumptions: string[] = [];
      served = await serveHandler(shopHandler({ retryInterval: 20 }), (req) => {
        const lastEventId = req.headers['last-event-id'];
        if (req.method === 'GET' && typeof lastEventId === 'string') resumptions.push(lastEventId);
        return true;
      });
      const { client } = await connect(served.url);
      expect(await client.callTool({ name: 'reconnect', arguments: {} })).to.deep.equal({ content: [{ type: 'text', text: 'answered after the stream closed' }] });
      expect(resumptions, 'the client reconnected with Last-Event-ID').to.have.length(1);
      await client.close();
    });
  });

  describe('the caller', () => {
    it('reaches the tool as authInfo, from req.auth set by auth middleware', async () => {
      served = await serveHandler(shopHandler(), (req, res) => {
        if (req.headers.authorization !== 'Bearer t-ada') return void res.writeHead(401).end('unauthorized'), false;
        (req as { auth?: unknown }).auth = { token: 't-ada', clientId: 'ada', scopes: ['shop'] };
        return true;
      });
      const { client } = await connect(served.url, { authorization: 'Bearer t-ada' });
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      const caller = JSON.parse((result.content as { text: string }[])[0]!.text);
      expect(caller.authInfo).to.deep.equal({ token: 't-ada', clientId: 'ada', scopes: ['shop'] });
      expect(caller.sessionId).to.be.a('string');
      await client.close();
      const { status } = await rawRequest(served.url, { body: INITIALIZE });
      expect(status).to.equal(401);
    });
  });
});
