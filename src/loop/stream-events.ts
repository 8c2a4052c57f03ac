import type { ChatCompletionSnapshot } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletionChunk, ChatCompletionTokenLogprob } from 'openai/resources/chat/completions';

export type { ChatCompletionSnapshot };

/** Every raw chunk, after provider quirks are normalised, with the accumulated snapshot. */
export interface ChunkEvent {
  readonly type: 'chunk';
  readonly chunk: ChatCompletionChunk;
  readonly snapshot: ChatCompletionSnapshot;
}
/** A piece of assistant text. */
export interface ContentDeltaEvent {
  readonly type: 'content.delta';
  readonly delta: string;
  /** All text so far. */
  readonly snapshot: string;
  /** Partially parsed JSON when a parseable `response_format` is set, else `null`. */
  readonly parsed: unknown | null;
}
/** The assistant text is complete. */
export interface ContentDoneEvent {
  readonly type: 'content.done';
  readonly content: string;
  readonly parsed: unknown | null;
}
/** A piece of a refusal. */
export interface RefusalDeltaEvent {
  readonly type: 'refusal.delta';
  readonly delta: string;
  readonly snapshot: string;
}
/** The refusal is complete. */
export interface RefusalDoneEvent {
  readonly type: 'refusal.done';
  readonly refusal: string;
}
/** A fragment of a tool call's JSON arguments. */
export interface FunctionToolCallArgumentsDeltaEvent {
  readonly type: 'tool_calls.function.arguments.delta';
  readonly name: string;
  /** Position of the call in the assistant message. */
  readonly index: number;
  /** Arguments so far. */
  readonly arguments: string;
  readonly parsed_arguments: unknown;
  readonly arguments_delta: string;
}
/** A tool call's arguments are complete. */
export interface FunctionToolCallArgumentsDoneEvent {
  readonly type: 'tool_calls.function.arguments.done';
  readonly name: string;
  readonly index: number;
  readonly arguments: string;
  readonly parsed_arguments: unknown;
}
/** Log probabilities of new content tokens. */
export interface LogprobsContentDeltaEvent {
  readonly type: 'logprobs.content.delta';
  readonly content: ChatCompletionTokenLogprob[];
  readonly snapshot: ChatCompletionTokenLogprob[];
}
/** All content log probabilities. */
export interface LogprobsContentDoneEvent {
  readonly type: 'logprobs.content.done';
  readonly content: ChatCompletionTokenLogprob[];
}
/** Log probabilities of new refusal tokens. */
export interface LogprobsRefusalDeltaEvent {
  readonly type: 'logprobs.refusal.delta';
  readonly refusal: ChatCompletionTokenLogprob[];
  readonly snapshot: ChatCompletionTokenLogprob[];
}
/** All refusal log probabilities. */
export interface LogprobsRefusalDoneEvent {
  readonly type: 'logprobs.refusal.done';
  readonly refusal: ChatCompletionTokenLogprob[];
}
/**
 * A piece of the model's reasoning, for providers that stream it in a delta field the OpenAI SDK does
 * not know (`reasoning_content`: DeepSeek, Qwen, xAI, vLLM; `reasoning`: OpenRouter, Groq, Ollama).
 */
export interface ReasoningDeltaEvent {
  readonly type: 'reasoning.delta';
  readonly delta: string;
  readonly snapshot: string;
  /** The delta field it came in; the same field carries it on the assistant message. */
  readonly field: ReasoningField;
}
/** The reasoning is complete (the answer or a tool call started, or the turn ended). */
export interface ReasoningDoneEvent {
  readonly type: 'reasoning.done';
  readonly reasoning: string;
  readonly field: ReasoningField;
}

/** Delta fields that carry reasoning text, concatenated by the engine. */
export type ReasoningField = 'reasoning_content' | 'reasoning';

/**
 * One event of a streamed model response: the OpenAI SDK's `ChatCompletionStream` events with a
 * `type` discriminator (same names and payloads), plus reasoning events.
 */
export type StreamEvent =
  | ChunkEvent
  | ContentDeltaEvent
  | ContentDoneEvent
  | RefusalDeltaEvent
  | RefusalDoneEvent
  | FunctionToolCallArgumentsDeltaEvent
  | FunctionToolCallArgumentsDoneEvent
  | LogprobsContentDeltaEvent
  | LogprobsContentDoneEvent
  | LogprobsRefusalDeltaEvent
  | LogprobsRefusalDoneEvent
  | ReasoningDeltaEvent
  | ReasoningDoneEvent;

/** The `type` of a {@link StreamEvent}. */
export type StreamEventType = StreamEvent['type'];
