import type { ChatCompletionSnapshot } from './openai-sdk.js';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ReasoningField, StreamEvent } from '../run/stream-events.js';

const REASONING_FIELDS: readonly ReasoningField[] = ['reasoning_content', 'reasoning'];

/**
 * Concatenates reasoning text that providers stream in delta fields the OpenAI SDK does not know
 * (its accumulator keeps only the last fragment of such fields), for the first choice.
 *
 * {@link observe} sees each chunk before the accumulator; {@link flush} runs in the accumulator's
 * `chunk` event, so reasoning events come right after the chunk they arrived in and before the
 * content or tool-call events that end the reasoning.
 */
export class ReasoningTracker {
  private text = '';
  private field: ReasoningField | undefined;
  private done = false;
  private pending: StreamEvent[] = [];

  constructor(
    private readonly wantsDelta: boolean,
    private readonly wantsDone: boolean,
  ) {}

  observe(chunk: ChatCompletionChunk): void {
    const choice = chunk.choices[0];
    if (choice === undefined || choice.index !== 0) return;
    const delta = choice.delta as Record<string, unknown> | undefined;
    if (delta) {
      for (const field of REASONING_FIELDS) {
        const fragment = delta[field];
        if (typeof fragment === 'string' && fragment !== '') {
          this.field ??= field;
          this.text += fragment;
          if (this.wantsDelta) this.pending.push({ type: 'reasoning.delta', delta: fragment, snapshot: this.text, field: this.field });
          return;
        }
      }
    }
    if (this.field !== undefined && !this.done && (delta?.['content'] || delta?.['tool_calls'] || choice.finish_reason)) {
      this.done = true;
      if (this.wantsDone) this.pending.push({ type: 'reasoning.done', reasoning: this.text, field: this.field });
    }
  }

  /** Puts the whole reasoning in the snapshot and hands over the events of the latest chunk. */
  flush(snapshot: ChatCompletionSnapshot, push: (event: StreamEvent) => void): void {
    if (this.field === undefined) return;
    const message = snapshot.choices[0]?.message as Record<string, unknown> | undefined;
    if (message) message[this.field] = this.text;
    if (this.pending.length === 0) return;
    for (const event of this.pending) push(event);
    this.pending = [];
  }

  /** Puts the whole reasoning on the final assistant message. */
  applyTo(message: Record<string, unknown>): void {
    if (this.field !== undefined) message[this.field] = this.text;
  }
}
