import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { raceAbort } from '../loop/abort.js';
import { isUnauthorized, rememberAuthorization } from './authorization.js';
import { CallScopes, type CallScope } from './call-scopes.js';
import { isConnectionFailure, McpConnectionError } from './errors.js';
import type { ClientOpener, OpenedClient } from './open-client.js';

const TOOLS_LIST_CHANGED = 'notifications/tools/list_changed';

/** Callbacks from a connection to its toolset. */
export interface ConnectionEvents {
  /** The server sent `notifications/tools/list_changed`. */
  toolsChanged(): void;
  /** A lost connection was replaced by a new one (whose tools may differ). */
  reconnected(): void;
}

/** What a request made through {@link McpConnection.run} belongs to. */
export interface RunOptions {
  /** Cancels the request (and an ongoing reconnection). */
  readonly signal?: AbortSignal | undefined;
  /** The tool call (or toolset method) making the request, so server requests during it reach its context. */
  readonly scope?: CallScope | undefined;
}

/**
 * The live MCP client behind a toolset. A connection this library opened is replaced once, at the
 * next use, when it was lost (the process died, the HTTP session vanished); a client the user
 * passed in is used as is and never reconnected or closed.
 */
export abstract class McpConnection {
  protected closed = false;
  private inFlight = 0;
  private lastUsed = Date.now();

  constructor(
    protected readonly owner: () => string,
    protected readonly events: ConnectionEvents,
    /** Which of this connection's requests a server request belongs to. */
    readonly scopes: CallScopes = new CallScopes(),
  ) {}

  /** The client to use now. */
  abstract get client(): Client;

  /** The last stderr lines of a stdio server process, if any. */
  abstract get stderr(): string | undefined;

  /** A usable client, reconnecting first if the connection was lost. */
  abstract acquire(signal?: AbortSignal): Promise<Client>;

  /** Reports that a request on `client` failed because the connection broke. */
  abstract markLost(client: Client): void;

  /** Stops using the server; ends what this library opened. Idempotent. */
  abstract close(): Promise<void>;

  /** True when no request is running and none ran for `ms` milliseconds. */
  idleFor(ms: number): boolean {
    return this.inFlight === 0 && Date.now() - this.lastUsed >= ms;
  }

  /**
   * Runs `request` on a usable client. A request that fails because the connection broke marks it
   * lost (the next use reconnects); one the server rejected because it forgot the Streamable HTTP
   * session (404) is sent once more on a new session, since the server never processed it.
   */
  async run<T>(request: (client: Client) => Promise<T>, options: RunOptions = {}): Promise<T> {
    this.inFlight++;
    try {
      const client = await this.acquire(options.signal);
      try {
        return await this.send(client, request, options.scope);
      } catch (error) {
        if (!this.renewsSessions || !isSessionGone(error) || options.signal?.aborted || this.closed) throw this.noteFailure(client, error);
        this.markLost(client);
        const renewed = await this.acquire(options.signal);
        try {
          return await this.send(renewed, request, options.scope);
        } catch (retryError) {
          throw this.noteFailure(renewed, retryError);
        }
      }
    } finally {
      this.inFlight--;
      this.lastUsed = Date.now();
    }
  }

  /** Whether a session the server forgot is replaced by a new one (only for connections this library opened). */
  protected get renewsSessions(): boolean {
    return false;
  }

  /** What a failed request on `client` says about the connection; returns the error to throw. */
  protected noteFailure(client: Client, error: unknown): unknown {
    if (isConnectionFailure(error) && !isUnauthorized(error)) this.markLost(client);
    return error;
  }

  private send<T>(client: Client, request: (client: Client) => Promise<T>, scope: CallScope | undefined): Promise<T> {
    return scope ? this.scopes.run(scope, () => request(client)) : request(client);
  }

  protected assertOpen(): void {
    if (this.closed) {
      throw new McpConnectionError(`${this.owner()} was closed (close() was called); connect a new toolset to use it again.`, {
        server: this.owner(),
      });
    }
  }
}

/**
 * A connection this library opened (URL or stdio server): opened at once or at first use,
 * reconnected once per use after a loss.
 */
export class OwnedConnection extends McpConnection {
  private opened: OpenedClient | undefined;
  private lost = false;
  private reconnecting: Promise<void> | undefined;

  constructor(
    private readonly opener: ClientOpener,
    owner: () => string,
    events: ConnectionEvents,
    scopes?: CallScopes,
  ) {
    super(owner, events, scopes);
  }

  /** Opens the first connection now. */
  static async open(opener: ClientOpener, owner: () => string, events: ConnectionEvents, scopes?: CallScopes): Promise<OwnedConnection> {
    const connection = new OwnedConnection(opener, owner, events, scopes);
    connection.install(await CallScopes.outside(opener));
    return connection;
  }

  get client(): Client {
    if (!this.opened) throw new McpConnectionError(`${this.owner()} is not connected yet.`, { server: this.owner() });
    return this.opened.client;
  }

  get stderr(): string | undefined {
    return this.opened?.stderr?.text;
  }

  async acquire(signal?: AbortSignal): Promise<Client> {
    this.assertOpen();
    if (this.opened && !this.lost) return this.opened.client;
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
    await (signal ? raceAbort(this.reconnecting, signal) : this.reconnecting);
    return this.opened!.client;
  }

  markLost(client: Client): void {
    if (client === this.opened?.client && !this.closed) this.lost = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reconnecting?.catch(() => {});
    await this.opened?.close().catch(() => {});
  }

  protected override get renewsSessions(): boolean {
    return true;
  }

  protected override noteFailure(client: Client, error: unknown): unknown {
    const authorization = this.opened?.authorization;
    if (authorization && client === this.opened?.client && isUnauthorized(error)) rememberAuthorization(authorization.provider, authorization.transport);
    return super.noteFailure(client, error);
  }

  private async reconnect(): Promise<void> {
    const previous = this.opened;
    await previous?.close().catch(() => {});
    let next: OpenedClient;
    try {
      next = await CallScopes.outside(this.opener);
    } catch (error) {
      if (!previous || isUnauthorized(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new McpConnectionError(`The connection to ${this.owner()} was lost and reconnecting failed: ${reason}`, {
        server: this.owner(),
        attempts: error instanceof McpConnectionError ? error.attempts : [],
        cause: error,
      });
    }
    if (this.closed) {
      await next.close().catch(() => {});
      this.assertOpen();
    }
    this.install(next);
    if (previous) this.events.reconnected();
  }

  private install(opened: OpenedClient): void {
    this.opened = opened;
    this.lost = false;
    const client = opened.client;
    client.onclose = () => this.markLost(client);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      if (client === this.opened?.client) this.events.toolsChanged();
    });
  }
}

/** True when the server answered 404 to a request of a Streamable HTTP session: it no longer knows the session. */
function isSessionGone(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/**
 * A client the user connected. Its notification handlers stay as the user set them: tool list
 * changes are observed by listening on its transport next to the client.
 */
export class BorrowedConnection extends McpConnection {
  private readonly detach: () => void;

  constructor(
    readonly client: Client,
    owner: () => string,
    events: ConnectionEvents,
  ) {
    super(owner, events);
    this.detach = observeToolListChanges(client, () => events.toolsChanged());
  }

  get stderr(): undefined {
    return undefined;
  }

  async acquire(): Promise<Client> {
    this.assertOpen();
    if (this.client.transport === undefined) {
      throw new McpConnectionError(
        `The MCP client of ${this.owner()} is not connected. A client passed as { client } is never reconnected by this library: ` +
          'reconnect it yourself, or configure the server by url or command to get automatic reconnection.',
        { server: this.owner() },
      );
    }
    return this.client;
  }

  markLost(): void {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.detach();
  }
}

function observeToolListChanges(client: Client, onChange: () => void): () => void {
  const transport = client.transport;
  if (!transport) return () => {};
  const previous = transport.onmessage;
  const observer: typeof transport.onmessage = (message, extra) => {
    previous?.call(transport, message, extra);
    if (isToolListChanged(message)) onChange();
  };
  transport.onmessage = observer;
  return () => {
    if (transport.onmessage === observer) transport.onmessage = previous;
  };
}

function isToolListChanged(message: JSONRPCMessage): boolean {
  return 'method' in message && !('id' in message) && message.method === TOOLS_LIST_CHANGED;
}
