import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { raceAbort } from '../loop/abort.js';
import { McpConnectionError } from './errors.js';
import type { ClientOpener, OpenedClient } from './open-client.js';

const TOOLS_LIST_CHANGED = 'notifications/tools/list_changed';

/** Callbacks from a connection to its toolset. */
export interface ConnectionEvents {
  /** The server sent `notifications/tools/list_changed`. */
  toolsChanged(): void;
  /** A lost connection was replaced by a new one (whose tools may differ). */
  reconnected(): void;
}

/**
 * The live MCP client behind a toolset. A connection this library opened is replaced once, at the
 * next use, when it was lost (the process died, the HTTP session vanished); a client the user
 * passed in is used as is and never reconnected or closed.
 */
export abstract class McpConnection {
  protected closed = false;

  constructor(
    protected readonly owner: () => string,
    protected readonly events: ConnectionEvents,
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

  protected assertOpen(): void {
    if (this.closed) {
      throw new McpConnectionError(`${this.owner()} was closed (close() was called); connect a new toolset to use it again.`, {
        server: this.owner(),
      });
    }
  }
}

/** A connection this library opened (URL or stdio server): reconnects once per use after a loss. */
export class OwnedConnection extends McpConnection {
  private lost = false;
  private reconnecting: Promise<void> | undefined;

  private constructor(
    private opened: OpenedClient,
    private readonly opener: ClientOpener,
    owner: () => string,
    events: ConnectionEvents,
  ) {
    super(owner, events);
    this.watch(opened);
  }

  /** Opens the first connection. */
  static async open(opener: ClientOpener, owner: () => string, events: ConnectionEvents): Promise<OwnedConnection> {
    return new OwnedConnection(await opener(), opener, owner, events);
  }

  get client(): Client {
    return this.opened.client;
  }

  get stderr(): string | undefined {
    return this.opened.stderr?.text;
  }

  async acquire(signal?: AbortSignal): Promise<Client> {
    this.assertOpen();
    if (!this.lost) return this.opened.client;
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
    await (signal ? raceAbort(this.reconnecting, signal) : this.reconnecting);
    return this.opened.client;
  }

  markLost(client: Client): void {
    if (client === this.opened.client && !this.closed) this.lost = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reconnecting?.catch(() => {});
    await this.opened.close().catch(() => {});
  }

  private async reconnect(): Promise<void> {
    await this.opened.close().catch(() => {});
    let next: OpenedClient;
    try {
      next = await this.opener();
    } catch (error) {
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
    this.opened = next;
    this.lost = false;
    this.watch(next);
    this.events.reconnected();
  }

  private watch(opened: OpenedClient): void {
    const client = opened.client;
    client.onclose = () => this.markLost(client);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      if (client === this.opened.client) this.events.toolsChanged();
    });
  }
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
