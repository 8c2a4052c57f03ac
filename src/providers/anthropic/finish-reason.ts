import type { ChatCompletion } from 'openai/resources/chat/completions';

/** A Chat Completions finish reason. */
export type FinishReason = ChatCompletion.Choice['finish_reason'];

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // A server-tool loop paused; the turn is sent back as is to continue it.
  pause_turn: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'content_filter',
};

/**
 * Anthropic's `stop_reason` as a Chat Completions `finish_reason`. `tool_calls` only when the turn
 * produced function tool calls (a `tool_use` stop for server tools alone is `stop`); an unknown or
 * missing reason is `tool_calls` or `stop` by the same rule.
 */
export function toFinishReason(stopReason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  const mapped = stopReason != null ? FINISH_REASONS[stopReason] : undefined;
  if (mapped === undefined || mapped === 'tool_calls') return hasToolCalls ? 'tool_calls' : 'stop';
  return mapped;
}
