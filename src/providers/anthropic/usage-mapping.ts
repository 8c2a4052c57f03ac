import type { CompletionUsage } from 'openai/resources/completions';
import type { AnthropicUsage } from './wire-types.js';

/** Chat Completions usage plus Anthropic's cache counters, kept under their own names. */
export type AnthropicCompletionUsage = CompletionUsage & {
  /** Input tokens written to the prompt cache (billed above the base input price). */
  cache_creation_input_tokens?: number;
  /** Input tokens read from the prompt cache (also in `prompt_tokens_details.cached_tokens`). */
  cache_read_input_tokens?: number;
};

/**
 * Anthropic's `input_tokens` excludes cached input while OpenAI's `prompt_tokens` includes it, so
 * `prompt_tokens = input_tokens + cache_creation_input_tokens + cache_read_input_tokens`,
 * `completion_tokens = output_tokens`, and the cache reads also go to `prompt_tokens_details.cached_tokens`
 * (OpenAI's name for them). The two cache counters are kept as they are when Anthropic reports them.
 */
export function toCompletionUsage(usage: AnthropicUsage): AnthropicCompletionUsage {
  const input = count(usage.input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const prompt = input + cacheWrite + cacheRead;
  const completion = count(usage.output_tokens);
  const mapped: AnthropicCompletionUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (usage.cache_creation_input_tokens != null || usage.cache_read_input_tokens != null) {
    mapped.prompt_tokens_details = { cached_tokens: cacheRead };
    mapped.cache_creation_input_tokens = cacheWrite;
    mapped.cache_read_input_tokens = cacheRead;
  }
  return mapped;
}

/** Numeric counters of `update` (e.g. a `message_delta`'s cumulative usage) written over `usage`. */
export function mergeUsage(usage: AnthropicUsage, update: AnthropicUsage | undefined): AnthropicUsage {
  if (!update) return usage;
  const merged: AnthropicUsage = { ...usage };
  for (const [key, value] of Object.entries(update)) if (typeof value === 'number') merged[key] = value;
  return merged;
}

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
