import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { McpConfigurationError } from '../errors.js';
import { prepareMcpServer, type CreateMcpServerOptions } from './create-mcp-server.js';
import { dnsRebindingRefusal } from './dns-rebinding.js';
import type { McpCaller } from './mcp-tool-context.js';
import { HttpSession, type HttpSessionSettings } from './http-session.js';
import { readJsonBody } from './request-body.js';

/** Options of {@link mcpHttpHandler}: the server's ({@link CreateMcpServerOptions}) and the HTTP ones. */
export interface McpHttpHandlerOptions<C = McpCaller> extends CreateMcpServerOptions<C> {
  /**
   * More `Host` values a server reached on a loopback address accepts, besides localhost, 127.0.0.1
   * and [::1]: hostnames (`myapp.local`, any port) or `host:port`. Needed behind a local reverse
   * proxy that passes its public `Host` on.
   */
  allowedHosts?: readonly string[];
  /** More `Origin` values (`https://app.example.com`) a server reached on a loopback address accepts, besides pages on localhost. */
  allowedOrigins?: readonly string[];
  /**
   * Where each session's stream events are kept so a client can resume a broken stream with
   * `Last-Event-ID` (the SDK's `EventStore`; shared by all sessions, so it must keep them apart).
   * Default: one in-memory store per session keeping its last 1000 events.
   */
  eventStore?: EventStore;
  /** Milliseconds a client waits before reconnecting a closed stream (the `retry` of each stream's priming event). Default 1000. */
  retryInterval?: number;
  /**
   * Milliseconds a session may go without any request in progress (an open GET stream counts as one)
   * before it ends on its own, for clients that vanish without DELETE; its id then gets 404 and the
   * client starts a new session. Default 30 minutes; `0` keeps sessions until DELETE or `close()`.
   */
  sessionIdleTimeout?: number;
}

/**
 * A Node HTTP handler `(req, res, parsedBody?)` serving Streamable HTTP MCP: mount it at your path
 * (`http.createServer(handler)`, `app.all('/mcp', (req, res) => handler(req, res, req.body))`).
 */
export interface McpHttpHandler {
  /**
   * Handles one request (POST, GET or DELETE) of any session. `parsedBody` is the JSON body when a
   * framework already read it; without it, `req.body` is used when set, else the body is read here.
   */
  (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<void>;
  /** Ends every session (their servers and open streams). */
  close(): Promise<void>;
  /** The number of open sessions. */
  readonly sessionCount: number;
}

const HTTP_KEYS = ['allowedHosts', 'allowedOrigins', 'eventStore', 'retryInterval', 'sessionIdleTimeout'];
const DEFAULT_RETRY_INTERVAL_MS = 1000;
const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 30 * 60_000;

/**
 * Serves the `@Tool` methods of `toolsets` over Streamable HTTP with sessions: each client's
 * `initialize` starts a session with its own server (as {@link createMcpServer} makes it); its later
 * requests carry the `Mcp-Session-Id` header; DELETE ends it. The caller's identity reaches the
 * `context` option as `authInfo` (set `req.auth` in auth middleware, e.g. the SDK's `requireBearerAuth`).
 *
 * - DNS-rebinding protection: a request reached on a loopback address is refused (403) unless its
 *   `Host` is localhost, 127.0.0.1 or [::1] (or in `allowedHosts`) and its `Origin`, if any, is on
 *   those hosts (or in `allowedOrigins`).
 * - Resumable streams: every POST stream starts with a priming event (an id and `retry`); events are
 *   kept (in memory by default, see `eventStore`), so a client that lost a stream reconnects with
 *   `Last-Event-ID` and gets what it missed.
 *
 * @example
 * ```ts
 * const handler = mcpHttpHandler({ name: 'weather', version: '1.0.0', toolsets: [new WeatherTools(api)] });
 * createServer(handler).listen(3000, '127.0.0.1');
 * ```
 *
 * @throws {McpConfigurationError} for malformed options, as {@link createMcpServer} and for the HTTP ones.
 */
export function mcpHttpHandler<C = McpCaller>(options: McpHttpHandlerOptions<C>): McpHttpHandler {
  const where = 'mcpHttpHandler()';
  const newServer = prepareMcpServer(options, where, HTTP_KEYS);
  assertHttpOptions(options, where);
  const sessions = new Map<string, HttpSession>();
  const settings: HttpSessionSettings = {
    eventStore: options.eventStore,
    retryInterval: options.retryInterval ?? DEFAULT_RETRY_INTERVAL_MS,
    idleTimeout: options.sessionIdleTimeout ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS,
    onOpen: (id, session) => void sessions.set(id, session),
    onEnd: (id, session) => {
      if (sessions.get(id) === session) sessions.delete(id);
    },
  };

  const handler = async (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<void> => {
    const refusal = dnsRebindingRefusal(req, options);
    if (refusal !== undefined) return sendJsonRpcError(res, 403, -32000, refusal);
    let body = parsedBody ?? (req as { body?: unknown }).body;
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return sendJsonRpcError(res, 404, -32001, 'Session not found: it ended or never existed; initialize a new one.');
      return session.serve(req, res, body);
    }
    if (req.method !== 'POST') {
      return sendJsonRpcError(res, req.method === 'GET' || req.method === 'DELETE' ? 400 : 405, -32000, 'Bad Request: no Mcp-Session-Id header; start a session with an initialize request (POST).');
    }
    if (body === undefined) {
      const read = await readJsonBody(req);
      if (!read.ok) return sendJsonRpcError(res, read.status, read.code, read.message);
      body = read.value;
    }
    if (!(Array.isArray(body) ? body.some((message) => isInitializeRequest(message)) : isInitializeRequest(body))) {
      return sendJsonRpcError(res, 400, -32000, 'Bad Request: no Mcp-Session-Id header; the first request of a session must be initialize.');
    }
    const session = await HttpSession.open(newServer(), settings);
    await session.serve(req, res, body);
  };

  return Object.defineProperties(handler, {
    close: {
      value: async () => {
        const open = [...sessions.values()];
        sessions.clear();
        await Promise.all(open.map((session) => session.close()));
      },
    },
    sessionCount: { get: () => sessions.size },
  }) as McpHttpHandler;
}

function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function assertHttpOptions(options: McpHttpHandlerOptions<unknown>, where: string): void {
  const problems: string[] = [];
  for (const key of ['allowedHosts', 'allowedOrigins'] as const) {
    const value = options[key];
    if (value !== undefined && (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry === ''))) {
      problems.push(`\`${key}\` must be an array of non-empty strings`);
    }
  }
  const store = options.eventStore as Partial<EventStore> | undefined;
  if (store !== undefined && (typeof store?.storeEvent !== 'function' || typeof store?.replayEventsAfter !== 'function')) {
    problems.push('`eventStore` must implement the SDK\'s EventStore (storeEvent, replayEventsAfter)');
  }
  for (const key of ['retryInterval', 'sessionIdleTimeout'] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) problems.push(`\`${key}\` must be a whole number of milliseconds`);
  }
  if (problems.length > 0) throw new McpConfigurationError(`${where}: ${problems.join('; ')}.`);
}
