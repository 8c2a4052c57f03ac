import type { CompletionUsage } from 'openai/resources/completions';

/** Adds usages field by field, nested `*_details` counters included. */
export function sumUsage(usages: readonly CompletionUsage[]): CompletionUsage {
  const total: CompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const usage of usages) addInto(total as unknown as Record<string, unknown>, usage as unknown as Record<string, unknown>);
  return total;
}

function addInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'number') {
      target[key] = ((target[key] as number | undefined) ?? 0) + value;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const nested = (target[key] ??= {}) as Record<string, unknown>;
      addInto(nested, value as Record<string, unknown>);
    }
  }
}
