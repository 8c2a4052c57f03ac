import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport, type EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { MemoryEventStore } from './memory-event-store.js';

/** How a session's transport is set up, and when it ends on its own. */
export interface HttpSessionSettings {
  readonly eventStore: EventStore | undefined;
  readonly retryInterval: number;
  /** Milliseconds without any request in progress (an open GET stream counts as one) after which the session ends; `0`: never. */
  readonly idleTimeout: number;
  /** Called with the session's id once `initialize` assigned it. */
  readonly onOpen: (id: string, session: HttpSession) => void;
  /** Called when the session ended (DELETE, idle, `close()`, or the server closing it). */
  readonly onEnd: (id: string, session: HttpSession) => void;
}

/**
 * One Streamable HTTP session: its own server and transport (the SDK's, with an event store for
 * resumable streams), and the count of its requests in progress, so it can end after being idle.
 */
export class HttpSession {
  private inProgress = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: McpServer,
    private readonly transport: StreamableHTTPServerTransport,
    private readonly idleTimeout: number,
  ) {}

  /** A session with a new server, ready for its `initialize` request. */
  static async open(server: McpServer, settings: HttpSessionSettings): Promise<HttpSession> {
    let session: HttpSession | undefined;
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      eventStore: settings.eventStore ?? new MemoryEventStore(),
      retryInterval: settings.retryInterval,
      onsessioninitialized: (id) => settings.onOpen(id, session!),
    });
    session = new HttpSession(server, transport, settings.idleTimeout);
    // Set before connect: the SDK's Protocol chains its own close handling after this one.
    transport.onclose = () => {
      clearTimeout(session!.idleTimer);
      if (transport.sessionId !== undefined) settings.onEnd(transport.sessionId, session!);
    };
    await server.connect(transport);
    return session;
  }

  /** Handles one of the session's requests; the session cannot go idle while it runs. */
  async serve(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    clearTimeout(this.idleTimer);
    this.inProgress++;
    try {
      await this.transport.handleRequest(req, res, body);
    } finally {
      this.inProgress--;
      if (this.inProgress === 0 && this.idleTimeout > 0) this.idleTimer = setTimeout(() => void this.close(), this.idleTimeout).unref();
    }
  }

  /** Ends the session: its streams close and its server stops. */
  close(): Promise<void> {
    clearTimeout(this.idleTimer);
    return this.server.close();
  }
}
