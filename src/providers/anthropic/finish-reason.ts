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
 * Anthropic's `stop_reason` as a Chat Completions `finish_reason`. A turn that produced tool calls
 * always finishes with `tool_calls`, so the tool loop runs them; an unknown or missing reason is `stop`.
 */
export function toFinishReason(stopReason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls && (stopReason === 'tool_use' || stopReason == null)) return 'tool_calls';
  return (stopReason != null ? FINISH_REASONS[stopReason] : undefined) ?? (hasToolCalls ? 'tool_calls' : 'stop');
}
