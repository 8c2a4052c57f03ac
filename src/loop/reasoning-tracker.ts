import type { ChatCompletionSnapshot } from './openai-sdk.js';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ReasoningField, StreamEvent } from '../run/stream-events.js';

const REASONING_FIELDS: readonly ReasoningField[] = ['reasoning_content', 'reasoning'];
/** Fields of a `reasoning_details` entry that arrive in fragments. */
const CONCATENATED_DETAIL_FIELDS = new Set(['text', 'summary', 'data']);

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
  /** OpenRouter's `reasoning_details`, merged by `index` across deltas (the SDK keeps only the last). */
  private details: Record<string, unknown>[] | undefined;

  constructor(
    private readonly wantsDelta: boolean,
    private readonly wantsDone: boolean,
  ) {}

  observe(chunk: ChatCompletionChunk): void {
    const choice = chunk.choices[0];
    if (choice === undefined || choice.index !== 0) return;
    const delta = choice.delta as Record<string, unknown> | undefined;
    if (delta && Array.isArray(delta['reasoning_details'])) this.mergeDetails(delta['reasoning_details']);
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
    const message = snapshot.choices[0]?.message as Record<string, unknown> | undefined;
    if (message && this.details) message['reasoning_details'] = this.details;
    if (this.field === undefined) return;
    if (message) message[this.field] = this.text;
    if (this.pending.length === 0) return;
    for (const event of this.pending) push(event);
    this.pending = [];
  }

  /** Puts the whole reasoning on the final assistant message. */
  applyTo(message: Record<string, unknown>): void {
    if (this.field !== undefined) message[this.field] = this.text;
    if (this.details) message['reasoning_details'] = this.details;
  }

  /**
   * Merges a delta's `reasoning_details` fragments into the entries so far, by `index` (else by
   * position): text-like fields are concatenated, others (signature, format, id) set.
   */
  private mergeDetails(fragments: unknown[]): void {
    const details = (this.details ??= []);
    fragments.forEach((fragment, position) => {
      if (typeof fragment !== 'object' || fragment === null) return;
      const index = typeof (fragment as { index?: unknown }).index === 'number' ? (fragment as { index: number }).index : position;
      const entry = details.find((d) => d['index'] === index) ?? details[details.push({ index }) - 1]!;
      for (const [key, value] of Object.entries(fragment)) {
        if (value === null || value === undefined || key === 'index') continue;
        entry[key] = CONCATENATED_DETAIL_FIELDS.has(key) && typeof value === 'string' && typeof entry[key] === 'string' ? entry[key] + value : value;
      }
    });
  }
}
