/**
 * Anthropic's Messages API behind the OpenAI client: `AnthropicOpenAI` is an `OpenAI` subclass, so
 * the tool loop, hooks, toolsets and `Agent` work with Claude models without the Anthropic SDK.
 *
 * @packageDocumentation
 */
export { AnthropicOpenAI, ANTHROPIC_BASE_URL, DEFAULT_ANTHROPIC_VERSION, DEFAULT_MAX_TOKENS } from './anthropic-openai.js';
export type { AnthropicOpenAIOptions } from './anthropic-openai.js';
export type { AnthropicCompletionUsage } from './usage-mapping.js';
export type { AnthropicThinkingBlock, RedactedThinkingBlock, ThinkingBlock } from './wire-types.js';
