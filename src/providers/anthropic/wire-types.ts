/**
 * The parts of Anthropic's Messages API this adapter reads and writes, typed from the public API
 * reference (https://docs.anthropic.com/en/api/messages). Only what the translation touches is
 * modelled; everything else passes through as `unknown`.
 */

/** `cache_control` as sent on blocks and tools (passed through untouched). */
export type CacheControl = Record<string, unknown>;

export interface TextBlockParam {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
}

export interface ImageBlockParam {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
  cache_control?: CacheControl;
}

export interface DocumentBlockParam {
  type: 'document';
  source: { type: 'base64'; media_type: string; data: string };
  title?: string;
  cache_control?: CacheControl;
}

export interface ToolUseBlockParam {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlockParam {
  type: 'tool_result';
  tool_use_id: string;
  content: string | TextBlockParam[];
  is_error?: boolean;
}

/** A complete extended-thinking block; `signature` must come back unchanged. */
export interface ThinkingBlock {
  /** Discriminator of {@link AnthropicThinkingBlock}. */
  type: 'thinking';
  /** The whole thinking text of the block (it also streams as `reasoning_content`). */
  thinking: string;
  /** Anthropic's opaque signature of `thinking` (`''` if none arrived); Anthropic rejects the block if either comes back altered. */
  signature: string;
}

/** Thinking the safety systems encrypted; `data` must come back unchanged. */
export interface RedactedThinkingBlock {
  /** Discriminator of {@link AnthropicThinkingBlock}. */
  type: 'redacted_thinking';
  /** The encrypted thinking: opaque, never shown, only sent back. */
  data: string;
}

/** The blocks kept on an assistant message as `thinking_blocks`. */
export type AnthropicThinkingBlock = ThinkingBlock | RedactedThinkingBlock;

export type UserContentBlock = TextBlockParam | ImageBlockParam | DocumentBlockParam | ToolResultBlockParam;
export type AssistantContentBlock = AnthropicThinkingBlock | TextBlockParam | ToolUseBlockParam;

export type AnthropicMessageParam =
  | { role: 'user'; content: string | UserContentBlock[] }
  | { role: 'assistant'; content: string | AssistantContentBlock[] };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: CacheControl;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** A `POST /v1/messages` body. Keys this adapter does not know are passed through from the Chat Completions body. */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | TextBlockParam[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  stream?: boolean;
  metadata?: { user_id?: string };
  [passthrough: string]: unknown;
}

/** Token counts as Anthropic reports them (`input_tokens` excludes cached input). */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  [other: string]: unknown;
}

/** A response content block (only the types the adapter translates are spelled out). */
export type ResponseContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | ThinkingBlock
  | RedactedThinkingBlock
  | { type: string; [key: string]: unknown };

/** A non-streaming response, and the `message` of `message_start`. */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ResponseContentBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage: AnthropicUsage;
}

/** `{ type: 'error', error: { type, message } }`: the body of HTTP errors and of the stream's `error` event. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** The events of a streamed response. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: ResponseContentBlock }
  | {
      type: 'content_block_delta';
      index: number;
      delta:
        | { type: 'text_delta'; text: string }
        | { type: 'input_json_delta'; partial_json: string }
        | { type: 'thinking_delta'; thinking: string }
        | { type: 'signature_delta'; signature: string }
        | { type: string; [key: string]: unknown };
    }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason?: string | null; stop_sequence?: string | null }; usage?: AnthropicUsage }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | AnthropicErrorBody;
