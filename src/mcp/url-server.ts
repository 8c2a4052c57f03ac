import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isUnauthorized, rememberAuthorization } from './authorization.js';
import type { CallScopes } from './call-scopes.js';
import type { ClientFeatures } from './client-features.js';
import { McpConnectionError, type McpConnectionAttempt } from './errors.js';
import { observingFetch, ScopeStepUp } from './scope-step-up.js';
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

/** What is needed to reach a URL server, with the credentials of one connection resolved. */
export interface UrlTarget {
  url: URL;
  headers: Record<string, string>;
  authProvider?: OAuthClientProvider | undefined;
  fetch?: FetchLike | undefined;
  requestInit?: RequestInit | undefined;
  connectTimeout: number;
}

/**
 * Connects to a URL server: the remembered endpoint first when there is one, then Streamable HTTP
 * at the URL, then SSE at the URL plus each of {@link SSE_FALLBACK_PATHS}. Stops early when
 * nothing answers at all or the server asked for credentials, since other paths cannot help.
 * When the user must authorize through `authProvider`, rejects with the SDK's `UnauthorizedError`.
 */
export function urlOpener(target: UrlTarget, owner: () => string, features: ClientFeatures, scopes: CallScopes): ClientOpener {
  return async () => {
    const base = baseUrlOf(target.url);
    const attempts: McpConnectionAttempt[] = [];
    for (const endpoint of candidates(base)) {
      const challenge = { seen: false };
      const transport = createTransport(endpoint, target, challenge);
      const client = newClient(features, scopes);
      try {
        await connectWithin(client, transport, target.connectTimeout);
      } catch (error) {
        attempts.push({ ...endpoint, error: describeFailure(error) });
        if (target.authProvider && isUnauthorized(error)) {
          rememberAuthorization(target.authProvider, transport as StreamableHTTPClientTransport | SSEClientTransport);
          throw error;
        }
        const hopeless = hopelessBecause(error, target, challenge.seen);
        if (hopeless) throw connectionError(owner(), base, attempts, hopeless, error);
        continue;
      }
      workingEndpoints.set(base, endpoint);
      const authorization = target.authProvider
        ? { provider: target.authProvider, transport: transport as StreamableHTTPClientTransport | SSEClientTransport }
        : undefined;
      return { client, authorization, close: () => closeHttp(client.close.bind(client), transport) };
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

function createTransport(endpoint: McpEndpoint, target: UrlTarget, challenge: { seen: boolean }): Transport {
  const url = new URL(endpoint.url);
  const headers = new Headers(target.requestInit?.headers);
  for (const [name, value] of Object.entries(target.headers)) headers.set(name, value);
  const requestInit: RequestInit = { ...target.requestInit, headers: Object.fromEntries(headers.entries()) };
  const stepUp = new ScopeStepUp(url.href);
  const fetch = observingFetch(target.fetch, (input, response) => {
    // The server (or its authorization server) asked for credentials: no other endpoint can do better.
    if (response.status === 401 || response.status === 403) challenge.seen = true;
    stepUp.observe(input, response);
  });
  const options = { requestInit, fetch, ...(target.authProvider ? { authProvider: stepUp.provider(target.authProvider) } : {}) };
  return endpoint.transport === 'sse' ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
}

function hopelessBecause(error: unknown, target: UrlTarget, challenged: boolean): string | undefined {
  const status = (error as { code?: unknown }).code;
  if (target.authProvider && challenged) return `authorization failed: ${describeFailure(error)}`;
  if (isUnauthorized(error) || challenged || status === 401 || status === 403) {
    return 'the server rejected the request as unauthorized; pass credentials in headers (e.g. { Authorization: "Bearer ..." }) or an OAuth authProvider';
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
