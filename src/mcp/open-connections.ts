import { CallScopes } from './call-scopes.js';
import type { ResolvedConfig, ResolvedUrlTarget } from './config.js';
import { credentialsFor, credentialsVary, PerCredentialConnections, singleConnection, type ConnectionRouter, type Credentials } from './connection-router.js';
import { BorrowedConnection, OwnedConnection, type ConnectionEvents } from './connection.js';
import type { ClientFeatures } from './client-features.js';
import { stdioOpener } from './stdio-server.js';
import { urlOpener } from './url-server.js';

/**
 * Opens what a toolset talks to: the user's client as is, a stdio server process, or an HTTP
 * connection (one per distinct credentials when they depend on the run's context).
 */
export async function openConnections(config: ResolvedConfig, owner: () => string, events: ConnectionEvents): Promise<ConnectionRouter> {
  if (config.kind === 'client') return singleConnection(new BorrowedConnection(config.client, owner, events));
  if (config.kind === 'stdio') {
    const scopes = new CallScopes();
    return singleConnection(await OwnedConnection.open(stdioOpener(config, owner, config.features, scopes), owner, events, scopes));
  }
  const mainCredentials = await credentialsFor(config, undefined);
  const scopes = new CallScopes();
  const main = await OwnedConnection.open(httpOpener(config, mainCredentials, owner, config.features, scopes), owner, events, scopes);
  if (!credentialsVary(config)) return singleConnection(main);
  // Other users' sessions: their tool list changes count, but their reconnections do not change the toolset's own listing.
  const userEvents: ConnectionEvents = { toolsChanged: () => events.toolsChanged(), reconnected: () => {} };
  return new PerCredentialConnections(main, mainCredentials, config, (credentials) => {
    const userScopes = new CallScopes();
    return new OwnedConnection(httpOpener(config, credentials, owner, config.features, userScopes), owner, userEvents, userScopes);
  });
}

function httpOpener(config: ResolvedUrlTarget, credentials: Credentials, owner: () => string, features: ClientFeatures, scopes: CallScopes) {
  const target = {
    url: config.url,
    headers: credentials.headers,
    authProvider: credentials.authProvider,
    fetch: config.fetch,
    requestInit: config.requestInit,
    connectTimeout: config.connectTimeout,
  };
  return urlOpener(target, owner, features, scopes);
}
