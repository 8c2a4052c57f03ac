import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { AuthorizingTransport } from './authorization.js';
import type { CallScopes } from './call-scopes.js';
import { capabilitiesOf, installClientFeatures, type ClientFeatures } from './client-features.js';
import { packageVersion } from './package-version.js';
import type { StderrTail } from './stderr-tail.js';

/** A client this library connected, with what is needed to close it and explain its failures. */
export interface OpenedClient {
  readonly client: Client;
  /** The last stderr lines of a stdio server process. */
  readonly stderr?: StderrTail;
  /** The OAuth provider of an HTTP connection and its transport, which can finish an authorization the server asks for mid-session. */
  readonly authorization?: { readonly provider: OAuthClientProvider; readonly transport: AuthorizingTransport } | undefined;
  /** Ends the session and the transport (and the child process of a stdio server). */
  close(): Promise<void>;
}

/** Opens a fresh connection to the same server; used for the first connection and for reconnecting. */
export type ClientOpener = () => Promise<OpenedClient>;

/**
 * A new MCP client that introduces itself as this library and declares (and answers) exactly
 * the capabilities of `features`.
 */
export function newClient(features: ClientFeatures, scopes: CallScopes): Client {
  const client = new Client({ name: 'chat-cmpl-stream-handler', version: packageVersion }, { capabilities: capabilitiesOf(features) });
  installClientFeatures(client, features, scopes);
  return client;
}

/**
 * Connects `client` over `transport` (transport start plus the `initialize` handshake), giving up
 * after `timeoutMs`. On failure the transport is closed, so no process or socket is left behind.
 */
export async function connectWithin(client: Client, transport: Transport, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect(transport, { timeout: timeoutMs }), timedOut]);
  } catch (error) {
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** A short description of why a connection attempt failed (the error's message, plus its cause's code). */
export function describeFailure(error: unknown): string {
  // OAuth errors of the SDK often come without a description; their `errorCode` (e.g. invalid_client) says what went wrong.
  const oauthCode = (error as { errorCode?: unknown } | null)?.errorCode;
  const unnamed = typeof oauthCode === 'string' ? `${(error as Error).name} (${oauthCode})` : (error as Error)?.name;
  const message = error instanceof Error ? error.message || unnamed : String(error);
  const code = networkErrorCode(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** The system error code (`ECONNREFUSED`, `ENOENT`, ...) of an error or of its causes. */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}
