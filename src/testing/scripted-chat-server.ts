import type { ServerResponse } from 'node:http';
import OpenAI, { type ClientOptions } from 'openai';
import { buildChunks, buildCompletion, defaultUsage, type ReplyIdentity } from './chunk-builder.js';
import type { RecordedRequest } from './recorded-request.js';
import type { ScriptedReply } from './replies.js';
import { isStreaming, requestedModel, ScriptedServer, type ListenOptions } from './scripted-server.js';

export { ScriptError } from './scripted-server.js';

/** Options of {@link ScriptedChatServer.start}. */
export interface ScriptedChatServerOptions extends ListenOptions {
  /** Replies to play, one per request, in order. More can be added with {@link ScriptedChatServer.enqueue}. */
  script?: ScriptedReply[];
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
export class ScriptedChatServer extends ScriptedServer<ScriptedReply> {
  private replyCount = 0;

  private constructor(script: ScriptedReply[]) {
    super('ScriptedChatServer', script);
  }

  /** Starts a server and waits until it listens. */
  static async start(options: ScriptedChatServerOptions = {}): Promise<ScriptedChatServer> {
    const server = new ScriptedChatServer(options.script ?? []);
    await server.listen(options);
    return server;
  }

  /** Base URL for the OpenAI client, ending in `/v1`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** An `OpenAI` client for this server: test API key, no retries (override in `options`). */
  client(options: ClientOptions = {}): OpenAI {
    return new OpenAI({ apiKey: 'scripted-test-key', baseURL: this.url, maxRetries: 0, ...options });
  }

  protected respond(request: RecordedRequest, number: number, res: ServerResponse): void | Promise<void> {
    if (request.method !== 'POST' || request.path !== COMPLETIONS_PATH) {
      return this.fail(res, 404, `unexpected ${request.method} ${request.path} (only POST ${COMPLETIONS_PATH} is served)`);
    }
    const next = this.nextReply(request, number, res);
    if (!next) return;
    const identity: ReplyIdentity = {
      id: `chatcmpl-scripted-${++this.replyCount}`,
      created: Math.floor(Date.now() / 1000),
      model: requestedModel(request, 'scripted-model'),
      replyNumber: this.replyCount,
    };
    const streaming = isStreaming(request);

    switch (next.kind) {
      case 'http-error':
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(JSON.stringify(next.body));
        return;
      case 'raw':
        if (!streaming) return this.fail(res, 500, 'a raw reply can only answer a streaming request');
        return this.stream(res, next.chunks, next.delivery);
      case 'message': {
        const usage = defaultUsage(request.body, next.spec, next.spec.usage);
        if (!streaming) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(buildCompletion(next.spec, identity, usage)));
          return;
        }
        const chunks: unknown[] = buildChunks(next.spec, identity);
        const wantsUsage = (request.body as { stream_options?: { include_usage?: boolean } })?.stream_options?.include_usage === true;
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

  protected errorResponse(_status: number, message: string) {
    return {
      /** No extra headers. */
      headers: {},
      /** OpenAI's error body, which the OpenAI SDK turns into an `APIError`. */
      body: {
        /** What went wrong. */
        error: {
          /** The problem, prefixed with `ScriptedChatServer:`. */
          message,
          /** Always `scripted_server_error`. */
          type: 'scripted_server_error',
          /** Always `null`. */
          param: null,
          /** Always `null`. */
          code: null,
        },
      },
    };
  }

  private stream(res: ServerResponse, chunks: readonly unknown[], delivery: Extract<ScriptedReply, { kind: 'raw' }>['delivery']): Promise<void> {
    return this.deliver(res, { 'content-type': 'text/event-stream', connection: 'keep-alive' }, chunks.map(sseLine), delivery, {
      end: delivery.done === false ? '' : 'data: [DONE]\n\n',
      errorEvent: () => sseLine({ error: { message: 'Scripted stream error', type: 'server_error', code: null, ...delivery.streamError } }),
    });
  }
}

function sseLine(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}
