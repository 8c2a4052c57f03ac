import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { type ClientOptions } from 'openai';
import { buildChunks, buildCompletion, defaultUsage, type ReplyIdentity } from './chunk-builder.js';
import type { RecordedRequest } from './recorded-request.js';
import type { DeliveryOptions, ScriptedReply } from './replies.js';

/** Options of {@link ScriptedChatServer.start}. */
export interface ScriptedChatServerOptions {
  /** Replies to play, one per request, in order. More can be added with {@link ScriptedChatServer.enqueue}. */
  script?: ScriptedReply[];
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
}

/** Thrown by {@link ScriptedChatServer.close} / {@link ScriptedChatServer.assertDone} when the script and the requests disagree. */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
}

const COMPLETIONS_PATH = '/v1/chat/completions';

/**
 * A real HTTP server on 127.0.0.1 that speaks the Chat Completions API (`POST /v1/chat/completions`,
 * streaming and not) and plays a script of replies, one per request. It records every request for
 * assertions and fails loudly when a request arrives that the script did not expect.
 *
 * @example
 * ```ts
 * const server = await ScriptedChatServer.start({
 *   script: [
 *     reply.toolCalls(toolCall('get_weather', { city: 'Tokyo' })),
 *     reply.text('Sunny in Tokyo.'),
 *   ],
 * });
 * const result = await streamUntilUserInput({ client: server.client(), model: 'gpt-4.1-nano', messages, tools });
 * expect(server.requests[1].body.messages.at(-1).role).to.equal('tool');
 * await server.close(); // throws if a reply was not played or a request was unexpected
 * ```
 */
export class ScriptedChatServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Everything that went wrong between script and requests, in order. */
  readonly problems: string[] = [];
  private readonly queue: ScriptedReply[];
  private readonly sockets = new Set<import('node:net').Socket>();
  private replyCount = 0;
  private closed = false;

  private constructor(
    private readonly server: Server,
    script: ScriptedReply[],
  ) {
    this.queue = [...script];
  }

  /** Starts a server and waits until it listens. */
  static async start(options: ScriptedChatServerOptions = {}): Promise<ScriptedChatServer> {
    const server = createServer();
    const scripted = new ScriptedChatServer(server, options.script ?? []);
    server.on('request', (req, res) => void scripted.handle(req, res));
    server.on('connection', (socket) => {
      scripted.sockets.add(socket);
      socket.on('close', () => scripted.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return scripted;
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL for the OpenAI client, ending in `/v1`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Replies not played yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** The request bodies, in order (shorthand for `requests.map(r => r.body)`). */
  get bodies(): any[] {
    return this.requests.map((request) => request.body);
  }

  /** An `OpenAI` client for this server: test API key, no retries (override in `options`). */
  client(options: ClientOptions = {}): OpenAI {
    return new OpenAI({ apiKey: 'scripted-test-key', baseURL: this.url, maxRetries: 0, ...options });
  }

  /** Appends replies to the script. */
  enqueue(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** @throws {ScriptError} when replies are left or a request was unexpected. */
  assertDone(): void {
    const problems = [...this.problems];
    if (this.queue.length > 0) problems.push(`${this.queue.length} scripted repl${this.queue.length === 1 ? 'y was' : 'ies were'} never requested`);
    if (problems.length > 0) throw new ScriptError(`ScriptedChatServer: ${problems.join('; ')}.`);
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

    if (req.method !== 'POST' || path !== COMPLETIONS_PATH) {
      return this.fail(res, 404, `unexpected ${req.method} ${path} (only POST ${COMPLETIONS_PATH} is served)`);
    }
    let next = this.queue.shift();
    if (!next) {
      return this.fail(res, 500, `request ${this.requests.length} arrived but the script has no reply left`);
    }
    try {
      while (next.kind === 'dynamic') next = next.build(request);
    } catch (error) {
      return this.fail(res, 500, `a dynamic reply threw: ${(error as Error).message}`);
    }
    const identity: ReplyIdentity = {
      id: `chatcmpl-scripted-${++this.replyCount}`,
      created: Math.floor(Date.now() / 1000),
      model: typeof (body as { model?: unknown })?.model === 'string' ? (body as { model: string }).model : 'scripted-model',
      replyNumber: this.replyCount,
    };
    const streaming = (body as { stream?: unknown })?.stream === true;

    switch (next.kind) {
      case 'http-error':
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(JSON.stringify(next.body));
        return;
      case 'raw':
        if (!streaming) return this.fail(res, 500, 'a raw reply can only answer a streaming request');
        return this.stream(res, next.chunks, next.delivery);
      case 'message': {
        const usage = defaultUsage(body, next.spec, next.spec.usage);
        if (!streaming) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(buildCompletion(next.spec, identity, usage)));
          return;
        }
        const chunks: unknown[] = buildChunks(next.spec, identity);
        const wantsUsage = (body as { stream_options?: { include_usage?: boolean } })?.stream_options?.include_usage === true;
        if (wantsUsage || next.spec.quirks?.usageChunkWithoutId) {
          chunks.push({
            id: next.spec.quirks?.usageChunkWithoutId ? '' : identity.id,
            object: 'chat.completion.chunk',
            created: identity.created,
            model: next.spec.model ?? identity.model,
            choices: [],
            usage,
          });
        }
        return this.stream(res, chunks, next.delivery);
      }
    }
  }

  private async stream(res: ServerResponse, chunks: readonly unknown[], delivery: DeliveryOptions): Promise<void> {
    if (delivery.headersDelayMs) await sleep(delivery.headersDelayMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const limit = Math.min(chunks.length, delivery.failAfter ?? Infinity, delivery.dropAfter ?? Infinity);
    if (!delivery.delayMs) {
      res.write(chunks.slice(0, limit).map(sseLine).join(''));
    } else {
      for (let i = 0; i < limit; i++) {
        if (res.destroyed) return;
        res.write(sseLine(chunks[i]));
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
    if (delivery.failAfter !== undefined && delivery.failAfter <= limit) {
      const error = { message: 'Scripted stream error', type: 'server_error', code: null, ...delivery.streamError };
      res.end(`data: ${JSON.stringify({ error })}\n\n`);
      return;
    }
    res.end(delivery.done === false ? '' : 'data: [DONE]\n\n');
  }

  private fail(res: ServerResponse, status: number, problem: string): void {
    this.problems.push(problem);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `ScriptedChatServer: ${problem}`, type: 'scripted_server_error', param: null, code: null } }));
  }
}

function sseLine(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
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
