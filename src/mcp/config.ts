import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import { resolveClientFeatures, type McpClientFeatureOptions, type ClientFeatures } from './client-features.js';
import { McpConfigurationError } from './errors.js';
import { isSchemaObject } from './json-schema.js';
import { toJsonSafe } from './json-safe.js';

/** Which of a server's tools to offer: their names on the server, or a predicate on their MCP definitions. */
export type McpToolFilter = readonly string[] | ((tool: McpToolDefinition) => boolean);

/** Options every kind of MCP server config accepts. */
export interface McpCommonOptions {
  /** Prefix of the tool names the model sees: `label__name`. Also names the server in errors. */
  label?: string;
  /** Offer only some tools: names on the server, or a predicate on each MCP tool definition. */
  filter?: McpToolFilter;
  /** Static `_meta` entries sent with every `tools/call` (a JSON-safe copy is taken). */
  meta?: Record<string, unknown>;
  /**
   * Send the run's `context` as `_meta.context` with every `tools/call` (a JSON-safe copy).
   * Default `true`. The server sees it: turn it off when the context holds secrets and the
   * server is not yours.
   */
  forwardContext?: boolean;
  /**
   * Milliseconds a `tools/call` may take before it fails with `ToolTimeoutError` (and is cancelled).
   * Default 60 000. Each progress notification of the call starts this time again, unless
   * `resetTimeoutOnProgress` is `false`.
   */
  timeout?: number;
  /**
   * Whether a progress notification from the server restarts the call's `timeout`, so a long
   * call that keeps reporting progress is not cut off. Default `true`; `false` makes `timeout` a
   * hard limit for the whole call.
   */
  resetTimeoutOnProgress?: boolean;
  /**
   * Milliseconds a `tools/call` may take in total however much progress it reports (fails with
   * `ToolTimeoutError`). Default: no limit beyond `timeout` between progress notifications.
   */
  maxTotalTimeout?: number;
  /**
   * Also offer the model two tools to browse and read the server's resources:
   * `label__list_resources` and `label__read_resource` (a `uri` argument). Default `false`.
   * Only offered when the server declares the `resources` capability.
   */
  resourceTools?: boolean;
  /**
   * Offer tools in OpenAI strict mode when their schema can be made strict. Default `true`;
   * `false` sends every schema as the server gave it with `strict: false`.
   */
  strict?: boolean;
  /**
   * Which calls wait for a person's approval before they run: all (`true`), those of the listed tools
   * (the server's own tool names), or as a function of the server's tool name, the parsed arguments
   * and the run's context says. Default: none. See `RunState` in the core entry.
   */
  needsApproval?: McpNeedsApproval;
}

/** {@link McpCommonOptions.needsApproval}. */
export type McpNeedsApproval = boolean | readonly string[] | ((toolName: string, args: any, context: any) => boolean | Promise<boolean>);

/**
 * HTTP headers for a URL server: fixed, or computed from the run's `context` (one Agent serving
 * many users). A function gets `undefined` for the toolset's own connection (listing tools,
 * resources, prompts) and the run's context for each tool call.
 */
export type McpHeaders<C = any> =
  | Record<string, string>
  | ((context: C | undefined) => Record<string, string> | Promise<Record<string, string>>);

/**
 * The MCP SDK's OAuth client, or a function choosing one per run `context` (e.g. per user, each
 * with their own tokens); `undefined` from the function means no OAuth for that context.
 */
export type McpAuthProvider<C = any> = OAuthClientProvider | ((context: C | undefined) => OAuthClientProvider | undefined);

/** A server reached over HTTP: Streamable HTTP first, then the SSE transport on common paths. */
export interface McpUrlServerConfig<C = any> extends McpCommonOptions, McpClientFeatureOptions<C> {
  /** The server's URL, e.g. `https://example.com/mcp`. */
  url: string | URL;
  /**
   * HTTP headers sent with every request (e.g. `Authorization`), or a function of the run's
   * `context` returning them. With a function, each distinct set of headers gets its own MCP
   * session (opened at its first call, closed when idle for 5 minutes or with the toolset), since
   * servers may bind a session to the credentials that opened it.
   */
  headers?: McpHeaders<C>;
  /**
   * OAuth through the MCP SDK's `OAuthClientProvider`: discovery, dynamic or pre-registered
   * clients, PKCE, token refresh, re-authorization on 401 and scope step-up on 403
   * `insufficient_scope`. When the user must authorize, `connect` rejects with the SDK's
   * `UnauthorizedError` after calling the provider's `redirectToAuthorization`; finish with
   * {@link McpToolset.finishAuth} (or connect again once the provider holds tokens). A function
   * picks a provider per run `context`, with one session per provider.
   */
  authProvider?: McpAuthProvider<C>;
  /** The `fetch` used for every HTTP request to the server and its authorization server. */
  fetch?: FetchLike;
  /** Extra `fetch` options for every request (`headers` here are sent too; the `headers` option wins on a clash). */
  requestInit?: RequestInit;
  /** Milliseconds each connection attempt may take. Default 10 000. */
  connectTimeout?: number;
}

/** A server started as a child process speaking MCP over stdin/stdout. */
export interface McpStdioServerConfig<C = any> extends McpCommonOptions, McpClientFeatureOptions<C> {
  /** The executable, e.g. `npx` or `process.execPath`. */
  command: string;
  /** Its arguments. */
  args?: readonly string[];
  /**
   * Extra environment variables. The child does not inherit your whole environment: it gets the
   * MCP SDK's safe defaults (`HOME`, `PATH`, `USER`, ...) plus these.
   */
  env?: Record<string, string>;
  /** Working directory of the child. Default: the current one. */
  cwd?: string;
  /** Milliseconds the process may take to start and answer `initialize`. Default 30 000. */
  connectTimeout?: number;
  /** Receives everything the child writes to stderr (it is otherwise kept only as a short tail for error messages). */
  onStderr?: (text: string) => void;
}

/**
 * An MCP `Client` you connected yourself: reused as is, never reconnected and never closed by the
 * toolset. Its capabilities (elicitation, sampling, roots) are what you declared on it.
 */
export interface McpClientServerConfig<C = any> extends McpCommonOptions {
  /** A connected client (`await client.connect(transport)` done). */
  client: Client;
}

/** Where an MCP toolset gets its tools: a URL, a command to start, or a connected client. */
export type McpServerConfig<C = any> = McpUrlServerConfig<C> | McpStdioServerConfig<C> | McpClientServerConfig<C>;

/** A validated URL server config with defaults applied. */
export interface ResolvedUrlTarget {
  kind: 'url';
  url: URL;
  headers: McpHeaders;
  authProvider: McpAuthProvider | undefined;
  fetch: FetchLike | undefined;
  requestInit: RequestInit | undefined;
  connectTimeout: number;
}

/** A validated config with defaults applied. */
export type ResolvedConfig = (
  | ResolvedUrlTarget
  | { kind: 'stdio'; command: string; args: string[]; env?: Record<string, string>; cwd?: string; connectTimeout: number; onStderr?: (text: string) => void }
  | { kind: 'client'; client: Client }
) & {
  label: string | undefined;
  filter: McpToolFilter | undefined;
  meta: Record<string, unknown> | undefined;
  forwardContext: boolean;
  timeout: number | undefined;
  resetTimeoutOnProgress: boolean;
  maxTotalTimeout: number | undefined;
  resourceTools: boolean;
  strict: boolean;
  needsApproval: McpNeedsApproval | undefined;
  /** What the client declares and answers (elicitation, sampling, roots); empty for `{ client }`. */
  features: ClientFeatures;
};

const COMMON_KEYS = ['label', 'filter', 'meta', 'forwardContext', 'timeout', 'resetTimeoutOnProgress', 'maxTotalTimeout', 'resourceTools', 'strict', 'needsApproval'];
const FEATURE_KEYS = ['onElicitation', 'onSampling', 'roots'];
const KEYS_BY_KIND = {
  url: ['url', 'headers', 'authProvider', 'fetch', 'requestInit', 'connectTimeout', ...FEATURE_KEYS, ...COMMON_KEYS],
  stdio: ['command', 'args', 'env', 'cwd', 'connectTimeout', 'onStderr', ...FEATURE_KEYS, ...COMMON_KEYS],
  client: ['client', ...COMMON_KEYS],
} as const;

const DEFAULT_URL_CONNECT_TIMEOUT = 10_000;
const DEFAULT_STDIO_CONNECT_TIMEOUT = 30_000;

/**
 * Checks a config and applies defaults.
 *
 * @throws {McpConfigurationError} naming every problem found.
 */
export function resolveConfig(config: McpServerConfig): ResolvedConfig {
  if (!isSchemaObject(config)) {
    throw new McpConfigurationError('An MCP server config must be an object: { url }, { command, args? } or { client }.');
  }
  const raw = config as Record<string, unknown>;
  const kinds = (['url', 'command', 'client'] as const).filter((key) => raw[key] !== undefined);
  if (kinds.length !== 1) {
    throw new McpConfigurationError(
      kinds.length === 0
        ? 'An MCP server config needs one of url (an HTTP server), command (a stdio server to start) or client (a connected MCP Client).'
        : `An MCP server config takes only one of url, command and client; this one has ${kinds.join(' and ')}.`,
    );
  }
  const kind = kinds[0] === 'command' ? 'stdio' : kinds[0]!;
  const problems: string[] = [];
  const allowed: readonly string[] = KEYS_BY_KIND[kind];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key) && raw[key] !== undefined) {
      const why = kind === 'client' && FEATURE_KEYS.includes(key) ? ' (declare it on the Client you pass: its capabilities are yours)' : '';
      problems.push(`"${key}" is not an option of ${kind} servers${why} (options: ${allowed.join(', ')}).`);
    }
  }
  const common = { ...resolveCommon(raw, problems), features: kind === 'client' ? {} : resolveClientFeatures(raw, problems) };
  let resolved: ResolvedConfig | undefined;
  if (kind === 'url') resolved = { ...resolveUrl(raw, problems), ...common };
  else if (kind === 'stdio') resolved = { kind, ...resolveStdio(raw, problems), ...common };
  else resolved = { kind, client: resolveClient(raw, problems), ...common };
  if (problems.length > 0) throw new McpConfigurationError(`Invalid MCP server config: ${problems.join(' ')}`);
  return resolved;
}

function resolveCommon(raw: Record<string, unknown>, problems: string[]) {
  const { label, filter, meta, forwardContext, timeout, resetTimeoutOnProgress, maxTotalTimeout, resourceTools, strict, needsApproval } = raw;
  if (label !== undefined && (typeof label !== 'string' || label === '')) problems.push('label must be a non-empty string.');
  const filterOk = filter === undefined || typeof filter === 'function' || (Array.isArray(filter) && filter.every((name) => typeof name === 'string'));
  if (!filterOk) problems.push('filter must be an array of tool names or a function (tool) => boolean.');
  if (meta !== undefined && !isSchemaObject(meta)) problems.push('meta must be a plain object.');
  if (forwardContext !== undefined && typeof forwardContext !== 'boolean') problems.push('forwardContext must be true or false.');
  if (strict !== undefined && typeof strict !== 'boolean') problems.push('strict must be true or false.');
  if (resetTimeoutOnProgress !== undefined && typeof resetTimeoutOnProgress !== 'boolean') problems.push('resetTimeoutOnProgress must be true or false.');
  if (resourceTools !== undefined && typeof resourceTools !== 'boolean') problems.push('resourceTools must be true or false.');
  const approvalOk =
    needsApproval === undefined ||
    typeof needsApproval === 'boolean' ||
    typeof needsApproval === 'function' ||
    (Array.isArray(needsApproval) && needsApproval.every((name) => typeof name === 'string'));
  if (!approvalOk) problems.push('needsApproval must be true, false, an array of the server\'s tool names, or a function (toolName, args, context) => boolean.');
  checkPositive('timeout', timeout, problems);
  checkPositive('maxTotalTimeout', maxTotalTimeout, problems);
  return {
    label: label as string | undefined,
    filter: filter as McpToolFilter | undefined,
    meta: isSchemaObject(meta) ? (toJsonSafe(meta) as Record<string, unknown>) : undefined,
    forwardContext: forwardContext !== false,
    timeout: timeout as number | undefined,
    resetTimeoutOnProgress: resetTimeoutOnProgress !== false,
    maxTotalTimeout: maxTotalTimeout as number | undefined,
    resourceTools: resourceTools === true,
    strict: strict !== false,
    needsApproval: needsApproval as McpNeedsApproval | undefined,
  };
}

function resolveUrl(raw: Record<string, unknown>, problems: string[]) {
  let url: URL | undefined;
  try {
    url = new URL(String(raw['url']));
  } catch {
    problems.push(`url ${JSON.stringify(String(raw['url']))} is not a valid URL; write it in full, e.g. "http://127.0.0.1:3000/mcp".`);
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`url must use http: or https:, got ${url.protocol}`);
  }
  const { headers, authProvider, fetch, requestInit } = raw;
  if (headers !== undefined && typeof headers !== 'function' && !isHeaderRecord(headers)) {
    problems.push('headers must be an object of string values, e.g. { Authorization: "Bearer ..." }, or a function (context) => such an object.');
  }
  if (authProvider !== undefined && typeof authProvider !== 'function' && !isOAuthClientProvider(authProvider)) {
    problems.push(
      'authProvider must be an OAuthClientProvider of @modelcontextprotocol/sdk (with tokens(), saveTokens(), clientMetadata, ...), ' +
        'e.g. new ClientCredentialsProvider({ clientId, clientSecret }), or a function (context) => provider.',
    );
  }
  if (fetch !== undefined && typeof fetch !== 'function') problems.push('fetch must be a function like the global fetch.');
  if (requestInit !== undefined && !isSchemaObject(requestInit)) problems.push('requestInit must be an object of fetch options (RequestInit).');
  checkPositive('connectTimeout', raw['connectTimeout'], problems);
  return {
    kind: 'url' as const,
    url: url ?? new URL('http://invalid'),
    headers: typeof headers === 'function' ? (headers as McpHeaders) : { ...((headers as Record<string, string> | undefined) ?? {}) },
    authProvider: authProvider as McpAuthProvider | undefined,
    fetch: fetch as FetchLike | undefined,
    requestInit: requestInit as RequestInit | undefined,
    connectTimeout: (raw['connectTimeout'] as number | undefined) ?? DEFAULT_URL_CONNECT_TIMEOUT,
  };
}

/** True for an object of string values (what `headers` must be, or return). */
export function isHeaderRecord(value: unknown): value is Record<string, string> {
  return isSchemaObject(value) && Object.values(value).every((item) => typeof item === 'string');
}

function isOAuthClientProvider(value: unknown): value is OAuthClientProvider {
  const candidate = value as Partial<OAuthClientProvider> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.tokens === 'function' && typeof candidate.saveTokens === 'function';
}

function resolveStdio(raw: Record<string, unknown>, problems: string[]) {
  const { command, args, env, cwd, onStderr } = raw;
  if (typeof command !== 'string' || command.trim() === '') problems.push('command must be a non-empty string, e.g. "npx".');
  if (args !== undefined && !(Array.isArray(args) && args.every((arg) => typeof arg === 'string'))) {
    problems.push('args must be an array of strings.');
  }
  if (env !== undefined && (!isSchemaObject(env) || Object.values(env).some((value) => typeof value !== 'string'))) {
    problems.push('env must be an object of string values.');
  }
  if (cwd !== undefined && typeof cwd !== 'string') problems.push('cwd must be a string.');
  if (onStderr !== undefined && typeof onStderr !== 'function') problems.push('onStderr must be a function (text) => void.');
  checkPositive('connectTimeout', raw['connectTimeout'], problems);
  return {
    command: command as string,
    args: [...((args as string[] | undefined) ?? [])],
    ...(env === undefined ? {} : { env: env as Record<string, string> }),
    ...(cwd === undefined ? {} : { cwd: cwd as string }),
    ...(onStderr === undefined ? {} : { onStderr: onStderr as (text: string) => void }),
    connectTimeout: (raw['connectTimeout'] as number | undefined) ?? DEFAULT_STDIO_CONNECT_TIMEOUT,
  };
}

function resolveClient(raw: Record<string, unknown>, problems: string[]): Client {
  const client = raw['client'] as Client;
  if (typeof client?.callTool !== 'function' || typeof client?.listTools !== 'function') {
    problems.push('client must be an MCP Client from @modelcontextprotocol/sdk.');
  } else if (client.transport === undefined || client.getServerVersion() === undefined) {
    problems.push('client is not connected: call `await client.connect(transport)` before passing it.');
  }
  return client;
}

function checkPositive(name: string, value: unknown, problems: string[]): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    problems.push(`${name} must be a positive number of milliseconds, got ${String(value)}.`);
  }
}
