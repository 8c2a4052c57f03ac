import type { IncomingMessage } from 'node:http';

/** The hostnames a server reached on a loopback address answers to (any port). */
const LOCAL_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Extra hosts and origins a loopback server accepts (`mcpHttpHandler`'s `allowedHosts` / `allowedOrigins`). */
export interface DnsRebindingAllowances {
  /** Hostnames (`myapp.local`) or `host:port` values of the `Host` header. */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Origins (`https://app.example.com`) of the `Origin` header. */
  readonly allowedOrigins?: readonly string[] | undefined;
}

/**
 * Why a request must be refused as a possible DNS-rebinding attack, or `undefined` to let it through.
 * Applies only to requests reached on a loopback address (a local server, which has no other
 * protection): their `Host` must be localhost, 127.0.0.1 or [::1] (any port) or an allowed host,
 * and an `Origin`, when sent, must be on one of those hosts or an allowed origin. A page on
 * evil.example.com whose DNS name now points at 127.0.0.1 sends `Host: evil.example.com`.
 */
export function dnsRebindingRefusal(req: IncomingMessage, allowances: DnsRebindingAllowances): string | undefined {
  if (!isLoopback(req.socket.localAddress)) return undefined;
  const host = req.headers.host;
  if (host === undefined || host === '') return 'Forbidden: the request has no Host header.';
  if (!hostAllowed(host, allowances.allowedHosts)) {
    return `Forbidden: Host "${host}" is not allowed for a server reached on a loopback address (DNS rebinding protection). If it is your own name for this server, add it to allowedHosts.`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, allowances.allowedOrigins)) {
    return `Forbidden: Origin "${origin}" is not allowed for a server reached on a loopback address (DNS rebinding protection). If that site may call this server, add it to allowedOrigins.`;
  }
  return undefined;
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

function hostAllowed(host: string, allowed: readonly string[] = []): boolean {
  const hostname = hostnameOf(`http://${host}`);
  if (hostname === undefined) return false;
  if (LOCAL_HOSTNAMES.has(hostname)) return true;
  const lower = host.toLowerCase();
  return allowed.some((entry) => entry.toLowerCase() === hostname || entry.toLowerCase() === lower);
}

function originAllowed(origin: string, allowed: readonly string[] = []): boolean {
  const normalised = origin.toLowerCase().replace(/\/+$/, '');
  if (allowed.some((entry) => entry.toLowerCase().replace(/\/+$/, '') === normalised)) return true;
  const hostname = hostnameOf(origin);
  return hostname !== undefined && LOCAL_HOSTNAMES.has(hostname);
}

function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
