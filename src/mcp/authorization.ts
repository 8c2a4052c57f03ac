import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/** A transport that asked the provider to redirect the user, and can exchange the code the user brings back. */
export interface AuthorizingTransport {
  finishAuth(authorizationCode: string): Promise<void>;
}

/**
 * The transport that last stopped for authorization, per provider. It knows what the server said
 * in its 401 or 403 (the resource metadata URL and the scope), which the code exchange needs.
 */
const waitingForCode = new WeakMap<OAuthClientProvider, AuthorizingTransport>();

/** Notes that `transport` stopped with `UnauthorizedError` because the user must authorize through `provider`. */
export function rememberAuthorization(provider: OAuthClientProvider, transport: AuthorizingTransport): void {
  waitingForCode.set(provider, transport);
}

/** True for the MCP SDK's `UnauthorizedError` (also from another copy of the SDK). */
export function isUnauthorized(error: unknown): error is UnauthorizedError {
  return error instanceof UnauthorizedError || (error instanceof Error && error.constructor?.name === 'UnauthorizedError');
}

/**
 * Exchanges an authorization code for tokens through `provider` (which stores them): with the
 * transport that stopped for authorization when there is one, else with a fresh one that
 * discovers the authorization server again.
 */
export async function exchangeAuthorizationCode(
  provider: OAuthClientProvider,
  target: { url: URL; fetch?: FetchLike | undefined; requestInit?: RequestInit | undefined },
  authorizationCode: string,
): Promise<void> {
  const transport =
    waitingForCode.get(provider) ??
    new StreamableHTTPClientTransport(target.url, {
      authProvider: provider,
      ...(target.fetch ? { fetch: target.fetch } : {}),
      ...(target.requestInit ? { requestInit: target.requestInit } : {}),
    });
  await transport.finishAuth(authorizationCode);
  if (waitingForCode.get(provider) === transport) waitingForCode.delete(provider);
}
