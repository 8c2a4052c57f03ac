import { errorBody } from './errors.js';
import { toFinishReason } from './finish-reason.js';
import { DONE, SseParser, sseData, type ServerSentEvent } from './sse.js';
import { mergeUsage, toCompletionUsage } from './usage-mapping.js';
import type { AnthropicStreamEvent, AnthropicThinkingBlock, AnthropicUsage, ResponseContentBlock } from './wire-types.js';

type BlockState =
  | { readonly kind: 'text' }
  | { readonly kind: 'tool_use'; readonly toolIndex: number; sentArguments: boolean; readonly initialInput: unknown }
  | { readonly kind: 'thinking'; thinking: string; signature: string }
  | { readonly kind: 'redacted_thinking'; readonly data: string }
  | { readonly kind: 'ignored' };

/**
 * Turns the events of one Anthropic Messages stream into Chat Completions SSE text:
 *
 * - `message_start` → a first chunk with the role (id and model from the message);
 * - `text_delta` → `content` deltas;
 * - a `tool_use` block → a tool-call delta with id and name, then its `input_json_delta` fragments
 *   as argument deltas (tool-call indexes count tool_use blocks only, from 0);
 * - `thinking_delta` → `reasoning_content` deltas; each complete thinking / redacted thinking block
 *   (with its signature) is collected and sent once, as the `thinking_blocks` delta field of the
 *   chunk before the finish chunk, so it lands on the assistant message and can be sent back;
 * - `message_stop` → a chunk with the finish reason, then a usage-only chunk (always, whatever
 *   `stream_options` said), then `[DONE]`;
 * - an `error` event → `{ error: { type, message } }`, which the OpenAI SDK raises as an `APIError`;
 * - `ping` and block types without a Chat Completions equivalent (server tools, citations) are skipped.
 */
export class AnthropicStreamTranslator {
  private id = '';
  private model = '';
  private created = Math.floor(Date.now() / 1000);
  /** The JSON text every chunk starts with, up to its delta (id, model and created never change). */
  private chunkPrefix = this.prefix();
  private usage: AnthropicUsage = {};
  private stopReason: string | null = null;
  private toolCalls = 0;
  private ended = false;
  private readonly blocks = new Map<number, BlockState>();
  private readonly thinkingBlocks: { readonly index: number; readonly block: AnthropicThinkingBlock }[] = [];

  /** Translates one server-sent event of the Anthropic stream into Chat Completions SSE text ('' for none). */
  translateSse(sse: ServerSentEvent): string {
    if (this.ended) return '';
    let event: unknown;
    try {
      event = JSON.parse(sse.data);
    } catch {
      return this.fail('invalid_stream_error', `Anthropic sent a stream event whose data is not JSON: ${sse.data.slice(0, 200)}`);
    }
    if (typeof event !== 'object' || event === null) {
      return this.fail('invalid_stream_error', `Anthropic sent a stream event that is not an object: ${sse.data.slice(0, 200)}`);
    }
    // Anthropic repeats the event name as `type`; trust the name when `type` is missing.
    if (typeof (event as { type?: unknown }).type !== 'string' && sse.event) (event as { type: string }).type = sse.event;
    return this.translate(event as AnthropicStreamEvent);
  }

  /** Translates one parsed Anthropic stream event into Chat Completions SSE text ('' for none). */
  translate(event: AnthropicStreamEvent): string {
    if (this.ended) return '';
    switch (event.type) {
      case 'message_start':
        this.id = event.message?.id ?? '';
        this.model = event.message?.model ?? '';
        this.chunkPrefix = this.prefix();
        this.usage = mergeUsage(this.usage, event.message?.usage);
        return this.chunk({ role: 'assistant' });
      case 'content_block_start':
        return event.content_block ? this.startBlock(event.index, event.content_block) : '';
      case 'content_block_delta':
        return event.delta ? this.blockDelta(event.index, event.delta) : '';
      case 'content_block_stop':
        return this.stopBlock(event.index);
      case 'message_delta':
        if (event.delta?.stop_reason !== undefined) this.stopReason = event.delta.stop_reason;
        this.usage = mergeUsage(this.usage, event.usage);
        return '';
      case 'message_stop':
        return this.complete();
      case 'error':
        return this.fail(event.error?.type ?? 'api_error', event.error?.message ?? 'Anthropic reported an error in the stream.');
      default:
        // `ping` and event types added after this adapter was written.
        return '';
    }
  }

  /** Called when the upstream body ended: a stream cut before `message_stop` fails instead of looking complete. */
  end(): string {
    if (this.ended) return '';
    return this.fail(
      'incomplete_stream_error',
      'The Anthropic stream ended before message_stop: the connection was closed early or a proxy cut the response.',
    );
  }

  private startBlock(index: number, contentBlock: ResponseContentBlock): string {
    const block = contentBlock as { type: string; [key: string]: unknown };
    switch (block.type) {
      case 'text': {
        this.blocks.set(index, { kind: 'text' });
        return typeof block['text'] === 'string' && block['text'] !== '' ? this.chunk({ content: block['text'] }) : '';
      }
      case 'tool_use': {
        const toolIndex = this.toolCalls++;
        this.blocks.set(index, { kind: 'tool_use', toolIndex, sentArguments: false, initialInput: block['input'] });
        return this.chunk({
          tool_calls: [{ index: toolIndex, id: block['id'], type: 'function', function: { name: block['name'], arguments: '' } }],
        });
      }
      case 'thinking': {
        const thinking = typeof block['thinking'] === 'string' ? block['thinking'] : '';
        const signature = typeof block['signature'] === 'string' ? block['signature'] : '';
        this.blocks.set(index, { kind: 'thinking', thinking, signature });
        return thinking !== '' ? this.chunk({ reasoning_content: thinking }) : '';
      }
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'redacted_thinking', data: typeof block['data'] === 'string' ? block['data'] : '' });
        return '';
      default:
        this.blocks.set(index, { kind: 'ignored' });
        return '';
    }
  }

  private blockDelta(index: number, delta: { type: string; [key: string]: unknown }): string {
    const state = this.blocks.get(index);
    if (state === undefined) return '';
    if (delta.type === 'text_delta' && state.kind === 'text' && typeof delta['text'] === 'string' && delta['text'] !== '') {
      return this.chunk({ content: delta['text'] });
    }
    if (delta.type === 'input_json_delta' && state.kind === 'tool_use' && typeof delta['partial_json'] === 'string' && delta['partial_json'] !== '') {
      state.sentArguments = true;
      return this.chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: delta['partial_json'] } }] });
    }
    if (delta.type === 'thinking_delta' && state.kind === 'thinking' && typeof delta['thinking'] === 'string' && delta['thinking'] !== '') {
      state.thinking += delta['thinking'];
      return this.chunk({ reasoning_content: delta['thinking'] });
    }
    if (delta.type === 'signature_delta' && state.kind === 'thinking' && typeof delta['signature'] === 'string') {
      state.signature += delta['signature'];
    }
    return '';
  }

  private stopBlock(index: number): string {
    const state = this.blocks.get(index);
    if (state?.kind === 'thinking') {
      this.thinkingBlocks.push({ index, block: { type: 'thinking', thinking: state.thinking, signature: state.signature } });
    } else if (state?.kind === 'redacted_thinking') {
      this.thinkingBlocks.push({ index, block: { type: 'redacted_thinking', data: state.data } });
    } else if (state?.kind === 'tool_use' && !state.sentArguments) {
      // A call without arguments gets no input_json_delta; its arguments are still a JSON object.
      const input = typeof state.initialInput === 'object' && state.initialInput !== null ? state.initialInput : {};
      return this.chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: JSON.stringify(input) } }] });
    }
    return '';
  }

  private complete(): string {
    this.ended = true;
    let text = '';
    if (this.thinkingBlocks.length > 0) {
      const blocks = this.thinkingBlocks.sort((a, b) => a.index - b.index).map((entry) => entry.block);
      text += this.chunk({ thinking_blocks: blocks });
    }
    text += this.chunk({}, toFinishReason(this.stopReason, this.toolCalls > 0));
    text += sseData({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [],
      usage: toCompletionUsage(this.usage),
    });
    return text + sseData(DONE);
  }

  private fail(type: string, message: string): string {
    this.ended = true;
    return sseData({ error: errorBody(type, message).error });
  }

  /** A chunk's SSE text. Built from a fixed prefix: serialising whole chunks was half the translation time. */
  private chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
    return `data: ${this.chunkPrefix}${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finishReason === null ? 'null' : JSON.stringify(finishReason)}}]}\n\n`;
  }

  private prefix(): string {
    const head = JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model });
    return `${head.slice(0, -1)},"choices":[{"index":0,"delta":`;
  }
}

/**
 * Pipes an Anthropic `text/event-stream` body through {@link AnthropicStreamTranslator} into a
 * Chat Completions SSE body. Backpressure, errors and cancellation flow through the web streams:
 * when the OpenAI SDK aborts, the upstream request is aborted with it.
 */
export function translateEventStream(upstream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const parser = new SseParser();
  const translator = new AnthropicStreamTranslator();
  const encoder = new TextEncoder();
  const write = (controller: TransformStreamDefaultController<Uint8Array>, events: ServerSentEvent[], atEnd: boolean) => {
    let text = '';
    for (const sse of events) text += translator.translateSse(sse);
    if (atEnd) text += translator.end();
    if (text !== '') controller.enqueue(encoder.encode(text));
  };
  return upstream.pipeThrough(new TextDecoderStream()).pipeThrough(
    new TransformStream<string, Uint8Array>({
      transform: (text, controller) => write(controller, parser.push(text), false),
      flush: (controller) => write(controller, parser.end(), true),
    }),
  );
}
