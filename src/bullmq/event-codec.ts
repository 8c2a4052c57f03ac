import type { ChatCompletionTokenLogprob } from 'openai/resources/chat/completions';
import type { LifecycleEvent } from '../run/lifecycle-events.js';
import type { StreamEvent, StreamEventType } from '../run/stream-events.js';
import { ToolResult } from '../tools/tool-result.js';
import { rebuildError, serializeError, type SerializedError } from './error-codec.js';

/**
 * A lifecycle event as it travels through Redis: JSON, with errors serialised and the snapshots of
 * delta events left out (a 20k-token answer would otherwise carry its whole text so far in each of
 * its 20k deltas); the reader rebuilds them from the deltas.
 */
export type WireEvent = { readonly type: string } & Record<string, unknown>;

/** Stream events that cannot travel: `chunk` carries the SDK accumulator's live snapshot. */
export const UNTRANSPORTABLE_STREAM_EVENTS: ReadonlySet<StreamEventType> = new Set(['chunk']);

/**
 * The wire form of an event the worker publishes; `undefined` for those it does not: checkpoints
 * (stored, not published) and the terminal events (the outcome travels in the status stream).
 */
export function encodeEvent(event: LifecycleEvent): WireEvent | undefined {
  switch (event.type) {
    case 'stream.event':
      return { type: event.type, iteration: event.iteration, event: withoutSnapshot(event.event) };
    case 'tool_call.completed':
      return { ...event, result: toolResultJson(event.result) };
    case 'tool_call.failed':
      return { ...event, error: serializeError(event.error), result: toolResultJson(event.result) };
    case 'run.checkpoint':
    case 'run.completed':
    case 'run.failed':
    case 'run.interrupted':
      return undefined;
    default:
      return event as unknown as WireEvent;
  }
}

function withoutSnapshot(event: StreamEvent): Record<string, unknown> {
  switch (event.type) {
    case 'content.delta':
      return { type: event.type, delta: event.delta, parsed: event.parsed };
    case 'refusal.delta':
    case 'reasoning.delta': {
      const { snapshot: _snapshot, ...rest } = event;
      return rest;
    }
    case 'tool_calls.function.arguments.delta': {
      const { arguments: _arguments, ...rest } = event;
      return rest;
    }
    case 'logprobs.content.delta':
      return { type: event.type, content: event.content };
    case 'logprobs.refusal.delta':
      return { type: event.type, refusal: event.refusal };
    default:
      return event as unknown as Record<string, unknown>;
  }
}

function toolResultJson(result: ToolResult): Record<string, unknown> {
  let metadata: unknown = {};
  try {
    metadata = JSON.parse(JSON.stringify(result.metadata) ?? '{}');
  } catch {
    // Metadata that is not JSON (BigInt, cycles) stays in the worker.
  }
  return { content: result.content, metadata, isError: result.isError };
}

/**
 * Turns wire events back into lifecycle events, rebuilding the snapshots of delta events from the
 * deltas of the current model request (reset when a request starts, also the repeated request of a
 * run resumed after a crash).
 */
export class EventDecoder {
  private iteration = -1;
  private content = '';
  private refusal = '';
  private reasoning = '';
  private arguments = new Map<number, string>();
  private contentLogprobs: ChatCompletionTokenLogprob[] = [];
  private refusalLogprobs: ChatCompletionTokenLogprob[] = [];

  decode(wire: WireEvent): LifecycleEvent {
    switch (wire.type) {
      case 'iteration.started':
        this.startIteration(wire['index'] as number);
        return wire as unknown as LifecycleEvent;
      case 'stream.event': {
        const iteration = wire['iteration'] as number;
        if (iteration !== this.iteration) this.startIteration(iteration);
        return { type: 'stream.event', iteration, event: this.withSnapshot(wire['event'] as Record<string, any>) };
      }
      case 'tool_call.completed':
        return { ...wire, result: toolResult(wire['result']) } as unknown as LifecycleEvent;
      case 'tool_call.failed':
        return { ...wire, error: rebuildError(wire['error'] as SerializedError), result: toolResult(wire['result']) } as unknown as LifecycleEvent;
      default:
        return wire as unknown as LifecycleEvent;
    }
  }

  private startIteration(iteration: number): void {
    this.iteration = iteration;
    this.content = '';
    this.refusal = '';
    this.reasoning = '';
    this.arguments = new Map();
    this.contentLogprobs = [];
    this.refusalLogprobs = [];
  }

  private withSnapshot(event: Record<string, any>): StreamEvent {
    switch (event['type'] as StreamEventType) {
      case 'content.delta':
        this.content += event['delta'];
        return { ...event, snapshot: this.content } as StreamEvent;
      case 'refusal.delta':
        this.refusal += event['delta'];
        return { ...event, snapshot: this.refusal } as StreamEvent;
      case 'reasoning.delta':
        this.reasoning += event['delta'];
        return { ...event, snapshot: this.reasoning } as StreamEvent;
      case 'tool_calls.function.arguments.delta': {
        const text = (this.arguments.get(event['index']) ?? '') + event['arguments_delta'];
        this.arguments.set(event['index'], text);
        return { ...event, arguments: text } as StreamEvent;
      }
      case 'logprobs.content.delta':
        this.contentLogprobs.push(...event['content']);
        return { ...event, snapshot: this.contentLogprobs } as StreamEvent;
      case 'logprobs.refusal.delta':
        this.refusalLogprobs.push(...event['refusal']);
        return { ...event, snapshot: this.refusalLogprobs } as StreamEvent;
      default:
        return event as StreamEvent;
    }
  }
}

function toolResult(json: unknown): ToolResult {
  const { content, metadata, isError } = json as { content: string; metadata: Record<string, unknown>; isError: boolean };
  return new ToolResult(content, metadata, { isError });
}
