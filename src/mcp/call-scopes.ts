import { AsyncLocalStorage } from 'node:async_hooks';

/** A request this library is making on a connection, as seen by the server's requests and notifications during it. */
export interface CallScope {
  /** The run's context of the tool call (or of the toolset method) making the request. */
  readonly context: unknown;
  /** Receives the text of a log notification the server sent during the request. */
  readonly log?: ((text: string) => void) | undefined;
}

interface ActiveScope {
  readonly owner: CallScopes;
  readonly scope: CallScope;
}

const activeScope = new AsyncLocalStorage<ActiveScope>();

/**
 * Tells which of a connection's requests a server request or notification belongs to. Over
 * Streamable HTTP the server sends them on the response stream of the request they belong to,
 * which is read in that request's async context; other transports read every message in the
 * connection's own context, so there the only request in flight is taken when there is exactly
 * one, and none otherwise.
 */
export class CallScopes {
  private readonly running = new Set<CallScope>();

  /** Runs `request` as part of `scope`. */
  async run<T>(scope: CallScope, request: () => Promise<T>): Promise<T> {
    this.running.add(scope);
    try {
      return await activeScope.run({ owner: this, scope }, request);
    } finally {
      this.running.delete(scope);
    }
  }

  /** The scope of the message being handled now, if it can be told. */
  current(): CallScope | undefined {
    const active = activeScope.getStore();
    // A stream opened during a request can outlive it (a resumed SSE stream): then its context says nothing.
    if (active?.owner === this && this.running.has(active.scope)) return active.scope;
    if (this.running.size === 1) return this.running.values().next().value;
    return undefined;
  }

  /** Runs `open` outside any request's scope, so a connection opened during a call does not read its messages in that call's context. */
  static outside<T>(open: () => Promise<T>): Promise<T> {
    return activeScope.exit(open);
  }
}
