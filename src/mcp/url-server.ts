import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpConnectionError, type McpConnectionAttempt } from './errors.js';
import { connectWithin, describeFailure, networkErrorCode, newClient, type ClientOpener } from './open-client.js';

/** An endpoint that answered as an MCP server. */
export interface McpEndpoint {
  /** The transport it speaks. */
  readonly transport: 'streamable-http' | 'sse';
  /** Its URL. */
  readonly url: string;
}

/**
 * Paths (appended to the configured URL) where the older SSE transport is tried when Streamable
 * HTTP fails, in order.
 */
export const SSE_FALLBACK_PATHS: readonly string[] = ['', '/sse', '/mcp', '/mcp/sse', '/api/sse'];

const CLOSE_GRACE_MS = 1_000;

/** The endpoint that worked, per configured URL (without trailing slashes), for this process. */
const workingEndpoints = new Map<string, McpEndpoint>();

/** The endpoint remembered for a configured URL, if a connection to it has succeeded in this process. */
export function rememberedMcpEndpoint(url: string | URL): McpEndpoint | undefined {
  return workingEndpoints.get(baseUrlOf(url));
}

/** Forgets every remembered endpoint, so the next connection discovers again (e.g. after a server moved to Streamable HTTP). */
export function clearMcpEndpointCache(): void {
  workingEndpoints.clear();
}

/** What is needed to reach a URL server. */
export interface UrlTarget {
  url: URL;
  headers: Record<string, string>;
  connectTimeout: number;
}

/**
 * Connects to a URL server: the remembered endpoint first when there is one, then Streamable HTTP
 * at the URL, then SSE at the URL plus each of {@link SSE_FALLBACK_PATHS}. Stops early when
 * nothing answers at all or the server rejects the credentials, since other paths cannot help.
 */
export function urlOpener(target: UrlTarget, owner: () => string): ClientOpener {
  return async () => {
    const base = baseUrlOf(target.url);
    const attempts: McpConnectionAttempt[] = [];
    for (const endpoint of candidates(base)) {
      const transport = createTransport(endpoint, target.headers);
      const client = newClient();
      try {
        await connectWithin(client, transport, target.connectTimeout);
      } catch (error) {
        attempts.push({ ...endpoint, error: describeFailure(error) });
        const hopeless = hopelessBecause(error);
        if (hopeless) throw connectionError(owner(), base, attempts, hopeless, error);
        continue;
      }
      workingEndpoints.set(base, endpoint);
      return { client, close: () => closeHttp(client.close.bind(client), transport) };
    }
    throw connectionError(owner(), base, attempts, 'no endpoint answered as an MCP server', undefined);
  };
}

function candidates(base: string): McpEndpoint[] {
  const all: McpEndpoint[] = [
    { transport: 'streamable-http', url: base },
    ...SSE_FALLBACK_PATHS.map((path): McpEndpoint => ({ transport: 'sse', url: `${base}${path}` })),
  ];
  const remembered = workingEndpoints.get(base);
  if (!remembered) return all;
  return [remembered, ...all.filter((endpoint) => endpoint.transport !== remembered.transport || endpoint.url !== remembered.url)];
}

function createTransport(endpoint: McpEndpoint, headers: Record<string, string>): Transport {
  const url = new URL(endpoint.url);
  const requestInit = { headers };
  return endpoint.transport === 'sse'
    ? new SSEClientTransport(url, { requestInit })
    : new StreamableHTTPClientTransport(url, { requestInit });
}

function hopelessBecause(error: unknown): string | undefined {
  const status = (error as { code?: unknown }).code;
  if (error instanceof UnauthorizedError || status === 401 || status === 403) {
    return 'the server rejected the request as unauthorized; pass credentials in headers, e.g. { Authorization: "Bearer ..." }';
  }
  const code = networkErrorCode(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'EAI_AGAIN') {
    return `nothing answers there (${code})`;
  }
  return undefined;
}

function connectionError(owner: string, base: string, attempts: McpConnectionAttempt[], reason: string, cause: unknown): McpConnectionError {
  const tried = attempts.map((attempt) => `  ${attempt.transport} ${attempt.url}: ${attempt.error}`).join('\n');
  return new McpConnectionError(`Could not connect to ${owner} at ${base}: ${reason}. Tried:\n${tried}`, {
    server: owner,
    attempts,
    cause,
  });
}

/** Ends a Streamable HTTP session politely (DELETE), without waiting long for a server that is gone. */
async function closeHttp(closeClient: () => Promise<void>, transport: Transport): Promise<void> {
  if (transport instanceof StreamableHTTPClientTransport) {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([transport.terminateSession().catch(() => {}), grace]);
    clearTimeout(timer);
  }
  await closeClient();
}

function baseUrlOf(url: string | URL): string {
  return String(url).replace(/\/+$/, '');
}
