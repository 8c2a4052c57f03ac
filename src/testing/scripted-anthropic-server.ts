import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AnthropicOpenAI, type AnthropicOpenAIOptions } from '../providers/anthropic/anthropic-openai.js';
import {
  anthropicUsage,
  buildAnthropicEvents,
  buildAnthropicMessage,
  resolveBlocks,
  type AnthropicReplyIdentity,
  type AnthropicSseEvent,
} from './anthropic-event-builder.js';
import type { AnthropicDeliveryOptions, AnthropicScriptedReply, RawAnthropicEvent } from './anthropic-replies.js';
import { validateMessagesRequest } from './anthropic-request-validation.js';
import type { RecordedRequest } from './recorded-request.js';
import { ScriptError } from './scripted-chat-server.js';

/** Options of {@link ScriptedAnthropicServer.start}. */
export interface ScriptedAnthropicServerOptions {
  /** Replies to play, one per request, in order. More can be added with {@link ScriptedAnthropicServer.enqueue}. */
  script?: AnthropicScriptedReply[];
  /**
   * Check every request against the Messages API rules (required fields, no unknown keys, tool_use /
   * tool_result pairing, thinking blocks and signatures, auth headers) and answer HTTP 400 / 401
   * like Anthropic when one is broken; the problem is also recorded, so {@link ScriptedAnthropicServer.close}
   * throws. Default `true`.
   */
  validate?: boolean;
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
}

const MESSAGES_PATH = '/v1/messages';

/**
 * A real HTTP server on 127.0.0.1 that speaks Anthropic's Messages API (`POST /v1/messages`,
 * streaming SSE and not) and plays a script of replies, one per request: text, tool_use, thinking
 * and redacted thinking blocks, HTTP errors (429, 529 overloaded, ...), mid-stream `error` events,
 * delays and cut connections. It records every request, checks it against the Messages API rules,
 * and fails loudly when a request arrives that the script did not expect.
 *
 * It is the Anthropic twin of `ScriptedChatServer`: use it to test code that runs on
 * `AnthropicOpenAI` without an API key.
 *
 * @example
 * ```ts
 * const server = await ScriptedAnthropicServer.start({
 *   script: [anthropicReply.toolUse(toolUse('get_weather', { city: 'Tokyo' })), anthropicReply.text('Sunny in Tokyo.')],
 * });
 * const client = new AnthropicOpenAI({ baseURL: server.url, apiKey: 'test' });
 * const result = await streamUntilUserInput({ client, model: 'claude-haiku-4-5', messages, tools });
 * expect(server.bodies[1].messages.at(-1).content[0].type).to.equal('tool_result');
 * await server.close(); // throws if a reply was not played or a request was unexpected or invalid
 * ```
 */
export class ScriptedAnthropicServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Everything that went wrong between script and requests, in order. */
  readonly problems: string[] = [];
  private readonly queue: AnthropicScriptedReply[];
  private readonly sockets = new Set<Socket>();
  private readonly signatures = new Map<string, string>();
  private readonly redacted = new Set<string>();
  private replyCount = 0;
  private closed = false;

  private constructor(
    private readonly server: Server,
    script: AnthropicScriptedReply[],
    private readonly validate: boolean,
  ) {
    this.queue = [...script];
  }

  /** Starts a server and waits until it listens. */
  static async start(options: ScriptedAnthropicServerOptions = {}): Promise<ScriptedAnthropicServer> {
    const server = createServer();
    const scripted = new ScriptedAnthropicServer(server, options.script ?? [], options.validate ?? true);
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

  /** The API origin to use as `baseURL` of `AnthropicOpenAI` (requests go to `{url}/v1/messages`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Replies not played yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** The Messages request bodies, in order (shorthand for `requests.map(r => r.body)`). */
  get bodies(): any[] {
    return this.requests.map((request) => request.body);
  }

  /** An `AnthropicOpenAI` client for this server: test API key, no retries (override in `options`). */
  client(options: AnthropicOpenAIOptions = {}): AnthropicOpenAI {
    return new AnthropicOpenAI({ apiKey: 'scripted-test-key', baseURL: this.url, maxRetries: 0, ...options });
  }

  /** Appends replies to the script. */
  enqueue(...replies: AnthropicScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** @throws {ScriptError} when replies are left, or a request was unexpected or broke a Messages API rule. */
  assertDone(): void {
    const problems = [...this.problems];
    if (this.queue.length > 0) problems.push(`${this.queue.length} scripted repl${this.queue.length === 1 ? 'y was' : 'ies were'} never requested`);
    if (problems.length > 0) throw new ScriptError(`ScriptedAnthropicServer: ${problems.join('; ')}.`);
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
    const number = this.requests.length;
    res.on('close', () => {
      if (!res.writableFinished) request.closedEarly = true;
    });

    if (req.method !== 'POST' || path !== MESSAGES_PATH) {
      return this.fail(res, 404, 'not_found_error', `request ${number}: unexpected ${req.method} ${path} (only POST ${MESSAGES_PATH} is served)`);
    }
    if (this.validate) {
      if (!req.headers['x-api-key']) {
        return this.fail(res, 401, 'authentication_error', `request ${number}: x-api-key header is required`);
      }
      if (!req.headers['anthropic-version']) {
        return this.fail(res, 400, 'invalid_request_error', `request ${number}: anthropic-version: header is required`);
      }
      const invalid = validateMessagesRequest(body, { signatures: this.signatures, redacted: this.redacted });
      if (invalid.length > 0) return this.fail(res, 400, 'invalid_request_error', `request ${number}: ${invalid.join('; ')}`);
    }
    let next = this.queue.shift();
    if (!next) return this.fail(res, 500, 'api_error', `request ${number} arrived but the script has no reply left`);
    try {
      while (next.kind === 'dynamic') next = next.build(request);
    } catch (error) {
      return this.fail(res, 500, 'api_error', `request ${number}: a dynamic reply threw: ${(error as Error).message}`);
    }
    const requestId = `req_scripted_${number}`;
    const streaming = (body as { stream?: unknown } | undefined)?.stream === true;

    switch (next.kind) {
      case 'http-error':
        res.writeHead(next.status, { 'content-type': 'application/json', 'request-id': requestId, ...next.headers });
        res.end(JSON.stringify(next.body));
        return;
      case 'raw':
        if (!streaming) return this.fail(res, 500, 'api_error', `request ${number}: a raw reply can only answer a streaming request`);
        return this.stream(res, requestId, next.events.map(toSseEvent), next.delivery);
      case 'message': {
        const replyNumber = ++this.replyCount;
        const identity: AnthropicReplyIdentity = {
          id: next.spec.id ?? `msg_scripted_${replyNumber}`,
          model: typeof (body as { model?: unknown })?.model === 'string' ? (body as { model: string }).model : 'scripted-claude',
          replyNumber,
        };
        const blocks = resolveBlocks(next.spec, identity);
        for (const block of blocks) {
          if (block.type === 'thinking') this.signatures.set(block.signature, block.thinking);
          if (block.type === 'redacted_thinking') this.redacted.add(block.data);
        }
        const usage = anthropicUsage(body, blocks, next.spec.usage);
        if (!streaming) {
          res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
          res.end(JSON.stringify(buildAnthropicMessage(next.spec, blocks, identity, usage)));
          return;
        }
        return this.stream(res, requestId, buildAnthropicEvents(next.spec, blocks, identity, usage), next.delivery);
      }
    }
  }

  private async stream(res: ServerResponse, requestId: string, events: readonly AnthropicSseEvent[], delivery: AnthropicDeliveryOptions): Promise<void> {
    if (delivery.headersDelayMs) await sleep(delivery.headersDelayMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId });
    const limit = Math.min(events.length, delivery.failAfter ?? Infinity, delivery.dropAfter ?? Infinity);
    if (!delivery.delayMs) {
      res.write(events.slice(0, limit).map(sseText).join(''));
    } else {
      for (let i = 0; i < limit; i++) {
        if (res.destroyed) return;
        res.write(sseText(events[i]!));
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
      const error = { type: 'overloaded_error', message: 'Overloaded', ...delivery.streamError };
      res.end(sseText({ event: 'error', data: { type: 'error', error } }));
      return;
    }
    res.end();
  }

  private fail(res: ServerResponse, status: number, type: string, problem: string): void {
    this.problems.push(problem);
    res.writeHead(status, { 'content-type': 'application/json', 'x-should-retry': 'false' });
    res.end(JSON.stringify({ type: 'error', error: { type, message: `ScriptedAnthropicServer: ${problem}` } }));
  }
}

function toSseEvent(event: RawAnthropicEvent): AnthropicSseEvent {
  if ('event' in event && typeof event.event === 'string' && 'data' in event) return { event: event.event, data: event.data as Record<string, unknown> };
  return { event: String((event as { type: unknown }).type), data: event as Record<string, unknown> };
}

function sseText(event: AnthropicSseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
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
