import type { ChatCompletionSnapshot } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletionChunk, ChatCompletionTokenLogprob } from 'openai/resources/chat/completions';

export type { ChatCompletionSnapshot };

/** Every raw chunk, after provider quirks are normalised, with the accumulated snapshot. */
export interface ChunkEvent {
  /** Discriminator; handled by `onChunk` / `@OnChunk()`. */
  readonly type: 'chunk';
  /**
   * The chunk as the accumulator consumed it, normalised in place: dense tool-call indexes, missing
   * `type`, `role`, `index` and `id` filled in, Groq's `x_groq.usage` moved to `usage`, ... Empty
   * placeholder chunks are dropped; a stream that ends without a `finish_reason` gets one closing
   * chunk that supplies it.
   */
  readonly chunk: ChatCompletionChunk;
  /**
   * The completion accumulated so far, this chunk included. It is the accumulator's live object,
   * mutated by every later chunk: read it in the hook and copy what you keep. With
   * `streamUntilUserInputEvents`, which buffers events, it may already include later chunks when you
   * read it. Reasoning fields (`reasoning_content` / `reasoning`) hold the whole text so far.
   */
  readonly snapshot: ChatCompletionSnapshot;
}
/** A piece of assistant text. */
export interface ContentDeltaEvent {
  /** Discriminator; handled by `onContentDelta` / `@OnContentDelta()`. */
  readonly type: 'content.delta';
  /** The text this chunk added. */
  readonly delta: string;
  /** All text so far. */
  readonly snapshot: string;
  /**
   * Partial parse of the JSON so far, only when `params.response_format` is an auto-parseable format
   * of the OpenAI SDK (`zodResponseFormat`); otherwise not set. `outputType` and
   * `responseFormatFromClass` answers are parsed once, at the end (`StreamResult.parsed`).
   */
  readonly parsed: unknown | null;
}
/** The assistant text is complete (the `finish_reason` arrived, or a tool call started after the text). */
export interface ContentDoneEvent {
  /** Discriminator; handled by `onContentDone` / `@OnContentDone()`. */
  readonly type: 'content.done';
  /** The whole assistant text of this response. */
  readonly content: string;
  /**
   * `content` parsed by an auto-parseable `response_format` of the OpenAI SDK (`zodResponseFormat`);
   * `null` without one, and when the model refused.
   */
  readonly parsed: unknown | null;
}
/** A piece of a refusal. */
export interface RefusalDeltaEvent {
  /** Discriminator; handled by `onRefusalDelta` / `@OnRefusalDelta()`. */
  readonly type: 'refusal.delta';
  /** The refusal text this chunk added. */
  readonly delta: string;
  /** The whole refusal so far. */
  readonly snapshot: string;
}
/** The refusal is complete. */
export interface RefusalDoneEvent {
  /** Discriminator; handled by `onRefusalDone` / `@OnRefusalDone()`. */
  readonly type: 'refusal.done';
  /** The whole refusal text. */
  readonly refusal: string;
}
/** A fragment of a tool call's JSON arguments. */
export interface FunctionToolCallArgumentsDeltaEvent {
  /** Discriminator; handled by `onToolCallsFunctionArgumentsDelta` / `@OnToolCallArgumentsDelta()`. */
  readonly type: 'tool_calls.function.arguments.delta';
  /** The called function's name (providers send it whole in the call's first delta). */
  readonly name: string;
  /** Position of the call in the assistant message. */
  readonly index: number;
  /** Arguments so far. */
  readonly arguments: string;
  /**
   * Partial parse of `arguments`, only for tools made with the OpenAI SDK's `zodFunction`
   * (auto-parseable); otherwise not set. This library's tools validate their arguments when they run.
   */
  readonly parsed_arguments: unknown;
  /** The JSON text this chunk added; `''` for a delta that carries only the call's id and name. */
  readonly arguments_delta: string;
}
/** A tool call's arguments are complete. */
export interface FunctionToolCallArgumentsDoneEvent {
  /** Discriminator; handled by `onToolCallsFunctionArgumentsDone` / `@OnToolCallArgumentsDone()`. */
  readonly type: 'tool_calls.function.arguments.done';
  /** The called function's name. */
  readonly name: string;
  /** Position of the call in the assistant message (zero-based, in order of appearance). */
  readonly index: number;
  /** The complete arguments, JSON text exactly as the model sent it (not necessarily valid JSON). */
  readonly arguments: string;
  /**
   * `arguments` parsed by the tool's parser for tools made with the OpenAI SDK's `zodFunction`;
   * `null` for every other tool, `strict` ones included.
   */
  readonly parsed_arguments: unknown;
}
/** Log probabilities of new content tokens. */
export interface LogprobsContentDeltaEvent {
  /** Discriminator; handled by `onLogprobsContentDelta` / `@OnLogprobsContentDelta()`. */
  readonly type: 'logprobs.content.delta';
  /** Log probabilities of the content tokens this chunk added. */
  readonly content: ChatCompletionTokenLogprob[];
  /** All content log probabilities so far: the accumulator's live array, which later chunks extend. */
  readonly snapshot: ChatCompletionTokenLogprob[];
}
/** All content log probabilities. */
export interface LogprobsContentDoneEvent {
  /** Discriminator; handled by `onLogprobsContentDone` / `@OnLogprobsContentDone()`. */
  readonly type: 'logprobs.content.done';
  /** Log probabilities of every content token of the response. */
  readonly content: ChatCompletionTokenLogprob[];
}
/** Log probabilities of new refusal tokens. */
export interface LogprobsRefusalDeltaEvent {
  /** Discriminator; handled by `onLogprobsRefusalDelta` / `@OnLogprobsRefusalDelta()`. */
  readonly type: 'logprobs.refusal.delta';
  /** Log probabilities of the refusal tokens this chunk added. */
  readonly refusal: ChatCompletionTokenLogprob[];
  /** All refusal log probabilities so far: the accumulator's live array, which later chunks extend. */
  readonly snapshot: ChatCompletionTokenLogprob[];
}
/** All refusal log probabilities. */
export interface LogprobsRefusalDoneEvent {
  /** Discriminator; handled by `onLogprobsRefusalDone` / `@OnLogprobsRefusalDone()`. */
  readonly type: 'logprobs.refusal.done';
  /** Log probabilities of every refusal token of the response. */
  readonly refusal: ChatCompletionTokenLogprob[];
}
/**
 * A piece of the model's reasoning, for providers that stream it in a delta field the OpenAI SDK does
 * not know (`reasoning_content`: DeepSeek, Qwen, xAI, vLLM; `reasoning`: OpenRouter, Groq, Ollama).
 * Only the first choice's reasoning is tracked.
 */
export interface ReasoningDeltaEvent {
  /** Discriminator; handled by `onReasoningDelta` / `@OnReasoningDelta()`. */
  readonly type: 'reasoning.delta';
  /** The reasoning text this chunk added. */
  readonly delta: string;
  /** All reasoning text so far, concatenated by the engine (the SDK's snapshot alone would keep only the last fragment). */
  readonly snapshot: string;
  /** The delta field it came in; the same field carries it on the assistant message. */
  readonly field: ReasoningField;
}
/** The reasoning is complete (the answer or a tool call started, or the turn ended). */
export interface ReasoningDoneEvent {
  /** Discriminator; handled by `onReasoningDone` / `@OnReasoningDone()`. */
  readonly type: 'reasoning.done';
  /** The whole reasoning text; the assistant message carries it too, under `field`. */
  readonly reasoning: string;
  /** The delta field the reasoning came in (the first one seen). */
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
