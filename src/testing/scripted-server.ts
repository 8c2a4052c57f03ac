import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RecordedRequest } from './recorded-request.js';
import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';

/** Thrown by `close()` / `assertDone()` of a scripted server when the script and the requests disagree. */
export class ScriptError extends ChatCmplError {
  static {
    brandError(this, 'ScriptError');
  }
}

/** Where a scripted server listens. */
export interface ListenOptions {
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
}

/** How a streamed reply is delivered, shared by the scripted servers. */
export interface StreamDelivery {
  /** Milliseconds between events. Default 0 (all events in one write). */
  delayMs?: number | undefined;
  /** Milliseconds before the response headers. */
  headersDelayMs?: number | undefined;
  /** Milliseconds between the response headers and the first event (a provider that accepted the request and is silent). */
  firstChunkDelayMs?: number | undefined;
  /** After this many events, send the protocol's error event and end the stream. */
  failAfter?: number | undefined;
  /** After this many events, destroy the connection (no clean end). */
  dropAfter?: number | undefined;
  /** After this many events, send nothing more and keep the connection open until the client hangs up (a stalled stream). */
  stallAfter?: number | undefined;
}

/** An HTTP error response instead of a model reply (both protocols). */
export interface HttpErrorReply {
  /** Discriminator. */
  readonly kind: 'http-error';
  /** The HTTP status. */
  readonly status: number;
  /** The response body, JSON-serialised. */
  readonly body: unknown;
  /** Extra response headers, after the server's own (so they may override them). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A reply computed when its request arrives (both protocols). */
export interface DynamicReply<R> {
  /** Discriminator. */
  readonly kind: 'dynamic';
  /**
   * Returns the reply to play for the request (it may be dynamic again). If it throws, the request
   * gets HTTP 500 and the problem is recorded, so `close()` throws.
   */
  readonly build: (request: RecordedRequest) => R;
}

/**
 * What the scripted servers share: a real `node:http` server on loopback, the script queue, request
 * recording, loud failures, the streamed delivery options and a verifying `close()`. A subclass only
 * speaks its protocol: it answers each recorded request in {@link respond}.
 */
export abstract class ScriptedServer<R extends { readonly kind: string }> {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Everything that went wrong between script and requests, in order. */
  readonly problems: string[] = [];
  private readonly queue: R[];
  private readonly server: Server = createServer();
  private readonly sockets = new Set<Socket>();
  private closed = false;

  protected constructor(
    /** Class name used in problem reports. */
    private readonly label: string,
    script: readonly R[],
  ) {
    this.queue = [...script];
    this.server.on('request', (req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Replies not played yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** The request bodies, in order (shorthand for `requests.map(r => r.body)`). */
  get bodies(): any[] {
    return this.requests.map((request) => request.body);
  }

  /** Appends replies to the script. */
  enqueue(...replies: R[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** @throws {ScriptError} when replies are left or a request was unexpected. */
  assertDone(): void {
    const problems = [...this.problems];
    if (this.queue.length > 0) problems.push(`${this.queue.length} scripted repl${this.queue.length === 1 ? 'y was' : 'ies were'} never requested`);
    if (problems.length > 0) throw new ScriptError(`${this.label}: ${problems.join('; ')}.`);
  }

  /**
   * Stops the server (open connections are destroyed).
   * @throws {ScriptError} like {@link assertDone}, unless `force` is set.
   */
  async close(options: { force?: boolean } = {}): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const socket of this.sockets) socket.destroy();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
    if (!options.force) this.assertDone();
  }

  /** Starts listening; subclasses' `start()` calls it. */
  protected async listen(options: ListenOptions): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  }

  /** Answers one recorded request (the `number`th, counting from 1). */
  protected abstract respond(request: RecordedRequest, number: number, res: ServerResponse): void | Promise<void>;

  /** The error response body of the protocol, for a problem of the script. */
  protected abstract errorResponse(status: number, problem: string): { headers: Record<string, string>; body: unknown };

  /** The next reply of the script, dynamic replies resolved; `undefined` after answering a problem. */
  protected nextReply(request: RecordedRequest, number: number, res: ServerResponse): Exclude<R, DynamicReply<R>> | undefined {
    let next = this.queue.shift();
    if (!next) {
      this.fail(res, 500, `request ${number} arrived but the script has no reply left`);
      return undefined;
    }
    try {
      while (next.kind === 'dynamic') next = (next as unknown as DynamicReply<R>).build(request);
    } catch (error) {
      this.fail(res, 500, `request ${number}: a dynamic reply threw: ${(error as Error).message}`);
      return undefined;
    }
    return next as Exclude<R, DynamicReply<R>>;
  }

  /** Records a problem and answers it with the protocol's error body. */
  protected fail(res: ServerResponse, status: number, problem: string): void {
    this.problems.push(problem);
    const { headers, body } = this.errorResponse(status, `${this.label}: ${problem}`);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  /**
   * Writes a streamed reply: `events` (already in wire format) as `delivery` says, then `end` — or,
   * with `failAfter`, `errorEvent` — or, with `dropAfter`, a cut connection — or, with `stallAfter`,
   * silence until the client hangs up.
   */
  protected async deliver(
    res: ServerResponse,
    headers: Record<string, string>,
    events: readonly string[],
    delivery: StreamDelivery,
    ending: { end: string; errorEvent: () => string },
  ): Promise<void> {
    if (delivery.headersDelayMs) await sleep(delivery.headersDelayMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'cache-control': 'no-cache', ...headers });
    if (delivery.firstChunkDelayMs) {
      // Send the headers now, so the client's request resolves and the silence is in the body.
      res.flushHeaders();
      await sleep(delivery.firstChunkDelayMs);
      if (res.destroyed) return;
    }
    const limit = Math.min(events.length, delivery.failAfter ?? Infinity, delivery.dropAfter ?? Infinity, delivery.stallAfter ?? Infinity);
    if (!delivery.delayMs) {
      res.write(events.slice(0, limit).join(''));
    } else {
      for (let i = 0; i < limit; i++) {
        if (res.destroyed) return;
        res.write(events[i]!);
        await sleep(delivery.delayMs);
      }
    }
    if (res.destroyed) return;
    if (delivery.dropAfter !== undefined && delivery.dropAfter <= limit) {
      // Let the written bytes reach the client, then cut the connection without ending the response.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      res.socket?.destroy();
      return;
    }
    if (delivery.stallAfter !== undefined && delivery.stallAfter <= limit) {
      // Headers and the first events are out; then nothing, until the client (or close()) ends it.
      if (limit === 0) res.flushHeaders();
      await new Promise<void>((resolve) => res.once('close', () => resolve()));
      return;
    }
    res.end(delivery.failAfter !== undefined && delivery.failAfter <= limit ? ending.errorEvent() : ending.end);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '').split('?')[0]!;
    const request: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body, closedEarly: false };
    this.requests.push(request);
    res.on('close', () => {
      if (!res.writableFinished) request.closedEarly = true;
    });
    await this.respond(request, this.requests.length, res);
  }
}

/** True when the recorded request asked for a stream. */
export function isStreaming(request: RecordedRequest): boolean {
  return (request.body as { stream?: unknown } | undefined)?.stream === true;
}

/** The `model` of the recorded request, or `fallback`. */
export function requestedModel(request: RecordedRequest, fallback: string): string {
  const model = (request.body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : fallback;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
