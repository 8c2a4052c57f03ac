import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { isHeaderRecord, type ResolvedUrlTarget } from './config.js';
import type { McpConnection } from './connection.js';
import { McpConfigurationError } from './errors.js';

/** Which connection serves a request, by the run's context. */
export interface ConnectionRouter {
  /** The toolset's own connection: tool listing, and every request when credentials do not depend on the context. */
  readonly main: McpConnection;
  /** The connection for requests made with this run `context`. */
  connectionFor(context: unknown): McpConnection | Promise<McpConnection>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** Every request on one connection. */
export function singleConnection(main: McpConnection): ConnectionRouter {
  return { main, connectionFor: () => main, close: () => main.close() };
}

/** The credentials one HTTP connection is opened with. */
export interface Credentials {
  readonly headers: Record<string, string>;
  readonly authProvider: OAuthClientProvider | undefined;
}

/** True when a URL config computes headers or the OAuth provider from the run's context. */
export function credentialsVary(target: ResolvedUrlTarget): boolean {
  return typeof target.headers === 'function' || typeof target.authProvider === 'function';
}

/**
 * The headers and OAuth provider for `context` (`undefined` for the toolset's own connection).
 *
 * @throws {McpConfigurationError} when a function option returns something unusable.
 */
export async function credentialsFor(target: ResolvedUrlTarget, context: unknown): Promise<Credentials> {
  const headers = typeof target.headers === 'function' ? await target.headers(context) : target.headers;
  if (!isHeaderRecord(headers)) {
    throw new McpConfigurationError(`headers(context) must return an object of string values, got ${describe(headers)}.`);
  }
  const authProvider = typeof target.authProvider === 'function' ? target.authProvider(context) : target.authProvider;
  if (authProvider !== undefined && typeof authProvider?.tokens !== 'function') {
    throw new McpConfigurationError(`authProvider(context) must return an OAuthClientProvider or undefined, got ${describe(authProvider)}.`);
  }
  if (authProvider && (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization') || new Headers(target.requestInit?.headers).has('authorization'))) {
    throw new McpConfigurationError(
      'An Authorization header would replace the OAuth token of authProvider on every request: pass one or the other, not both.',
    );
  }
  return { headers, authProvider };
}

const IDLE_MS = 5 * 60_000;

/**
 * One connection per distinct credentials (headers and OAuth provider): servers may bind a
 * session to the identity that opened it, so two users never share one. The connection for the
 * credentials of the `undefined` context is the main one; the others are opened at first use and
 * closed once idle for 5 minutes.
 */
export class PerCredentialConnections implements ConnectionRouter {
  private readonly byKey = new Map<string, McpConnection>();
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly main: McpConnection,
    private readonly mainCredentials: Credentials,
    private readonly target: ResolvedUrlTarget,
    private readonly open: (credentials: Credentials) => McpConnection,
  ) {}

  async connectionFor(context: unknown): Promise<McpConnection> {
    const credentials = await credentialsFor(this.target, context);
    const key = keyOf(credentials);
    if (key === keyOf(this.mainCredentials) || this.closed) return this.main;
    let connection = this.byKey.get(key);
    if (!connection) {
      connection = this.open(credentials);
      this.byKey.set(key, connection);
      this.sweeper ??= setInterval(() => this.sweep(), IDLE_MS / 5).unref();
    }
    return connection;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const all = [this.main, ...this.byKey.values()];
    this.byKey.clear();
    await Promise.all(all.map((connection) => connection.close()));
  }

  private sweep(): void {
    for (const [key, connection] of this.byKey) {
      if (!connection.idleFor(IDLE_MS)) continue;
      this.byKey.delete(key);
      void connection.close();
    }
    if (this.byKey.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

const providerIds = new WeakMap<object, number>();
let nextProviderId = 1;

function keyOf({ headers, authProvider }: Credentials): string {
  let providerId = 0;
  if (authProvider) {
    providerId = providerIds.get(authProvider) ?? nextProviderId++;
    providerIds.set(authProvider, providerId);
  }
  const normalized = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  return `${providerId} ${JSON.stringify(normalized)}`;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : `an object with ${Object.entries(value).map(([k, v]) => `${k}: ${typeof v}`).join(', ') || 'no keys'}`;
}
