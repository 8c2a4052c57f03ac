import type { ServerResponse } from 'node:http';
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
import { isStreaming, requestedModel, ScriptedServer, type ListenOptions } from './scripted-server.js';

/** Options of {@link ScriptedAnthropicServer.start}. */
export interface ScriptedAnthropicServerOptions extends ListenOptions {
  /** Replies to play, one per request, in order. More can be added with {@link ScriptedAnthropicServer.enqueue}. */
  script?: AnthropicScriptedReply[];
  /**
   * Check every request against the Messages API rules (required fields, no unknown keys, tool_use /
   * tool_result pairing, thinking blocks and signatures, auth headers) and answer HTTP 400 / 401
   * like Anthropic when one is broken; the problem is also recorded, so {@link ScriptedAnthropicServer.close}
   * throws. Default `true`.
   */
  validate?: boolean;
}

const MESSAGES_PATH = '/v1/messages';

/** Anthropic's error type for each status the scripted server answers with. */
const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 404: 'not_found_error' };

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
export class ScriptedAnthropicServer extends ScriptedServer<AnthropicScriptedReply> {
  private readonly signatures = new Map<string, string>();
  private readonly redacted = new Set<string>();
  private replyCount = 0;

  private constructor(
    script: AnthropicScriptedReply[],
    private readonly validate: boolean,
  ) {
    super('ScriptedAnthropicServer', script);
  }

  /** Starts a server and waits until it listens. */
  static async start(options: ScriptedAnthropicServerOptions = {}): Promise<ScriptedAnthropicServer> {
    const server = new ScriptedAnthropicServer(options.script ?? [], options.validate ?? true);
    await server.listen(options);
    return server;
  }

  /** The API origin to use as `baseURL` of `AnthropicOpenAI` (requests go to `{url}/v1/messages`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** An `AnthropicOpenAI` client for this server: test API key, no retries (override in `options`). */
  client(options: AnthropicOpenAIOptions = {}): AnthropicOpenAI {
    return new AnthropicOpenAI({ apiKey: 'scripted-test-key', baseURL: this.url, maxRetries: 0, ...options });
  }

  protected respond(request: RecordedRequest, number: number, res: ServerResponse): void | Promise<void> {
    const { body, headers } = request;
    if (request.method !== 'POST' || request.path !== MESSAGES_PATH) {
      return this.fail(res, 404, `request ${number}: unexpected ${request.method} ${request.path} (only POST ${MESSAGES_PATH} is served)`);
    }
    if (this.validate) {
      if (!headers['x-api-key']) return this.fail(res, 401, `request ${number}: x-api-key header is required`);
      if (!headers['anthropic-version']) return this.fail(res, 400, `request ${number}: anthropic-version: header is required`);
      const invalid = validateMessagesRequest(body, { signatures: this.signatures, redacted: this.redacted });
      if (invalid.length > 0) return this.fail(res, 400, `request ${number}: ${invalid.join('; ')}`);
    }
    const next = this.nextReply(request, number, res);
    if (!next) return;
    const requestId = `req_scripted_${number}`;
    const streaming = isStreaming(request);

    switch (next.kind) {
      case 'http-error':
        res.writeHead(next.status, { 'content-type': 'application/json', 'request-id': requestId, ...next.headers });
        res.end(JSON.stringify(next.body));
        return;
      case 'raw':
        if (!streaming) return this.fail(res, 500, `request ${number}: a raw reply can only answer a streaming request`);
        return this.stream(res, requestId, next.events.map(toSseEvent), next.delivery);
      case 'message': {
        const replyNumber = ++this.replyCount;
        const identity: AnthropicReplyIdentity = {
          id: next.spec.id ?? `msg_scripted_${replyNumber}`,
          model: requestedModel(request, 'scripted-claude'),
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

  protected errorResponse(status: number, message: string) {
    return {
      /** Tells the OpenAI SDK not to retry, whatever the status. */
      headers: {
        /** `'false'`: a script problem does not go away on retry. */
        'x-should-retry': 'false',
      },
      /** Anthropic's error body. */
      body: {
        /** Always `'error'`. */
        type: 'error',
        /** What went wrong. */
        error: {
          /** Anthropic's error type for the status: `invalid_request_error` (400), `authentication_error` (401), `not_found_error` (404), else `api_error`. */
          type: ERROR_TYPES[status] ?? 'api_error',
          /** The problem, prefixed with `ScriptedAnthropicServer:`. */
          message,
        },
      },
    };
  }

  private stream(res: ServerResponse, requestId: string, events: readonly AnthropicSseEvent[], delivery: AnthropicDeliveryOptions): Promise<void> {
    const headers = { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': requestId };
    return this.deliver(res, headers, events.map(sseText), delivery, {
      end: '',
      errorEvent: () => sseText({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded', ...delivery.streamError } } }),
    });
  }
}

function toSseEvent(event: RawAnthropicEvent): AnthropicSseEvent {
  if ('event' in event && typeof event.event === 'string' && 'data' in event) return { event: event.event, data: event.data as Record<string, unknown> };
  return { event: String((event as { type: unknown }).type), data: event as Record<string, unknown> };
}

function sseText(event: AnthropicSseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
