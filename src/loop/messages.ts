import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessage,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';

/** Response-only message fields that must not be sent back as input. */
const RESPONSE_ONLY_FIELDS = new Set(['role', 'content', 'refusal', 'tool_calls', 'parsed', 'annotations', 'audio', 'function_call']);

/**
 * The assistant message as input for the next request: response-only fields dropped, provider extras
 * (`reasoning_content`, `reasoning`, Gemini's `extra_content` on tool calls) kept.
 */
export function toAssistantParam(message: ChatCompletionMessage): ChatCompletionAssistantMessageParam {
  const source = message as unknown as Record<string, unknown>;
  const toolCalls = message.tool_calls?.length ? message.tool_calls.map(toToolCallParam) : undefined;
  const param: Record<string, unknown> = {
    role: 'assistant',
    content: message.content ?? (toolCalls || message.refusal ? null : ''),
  };
  if (message.refusal) param['refusal'] = message.refusal;
  if (toolCalls) param['tool_calls'] = toolCalls;
  if (message.audio?.id) param['audio'] = { id: message.audio.id };
  if (message.function_call) param['function_call'] = message.function_call;
  for (const key in source) {
    if (!RESPONSE_ONLY_FIELDS.has(key) && source[key] !== null && source[key] !== undefined) param[key] = source[key];
  }
  return param as unknown as ChatCompletionAssistantMessageParam;
}

function toToolCallParam(toolCall: NonNullable<ChatCompletionMessage['tool_calls']>[number]) {
  const { index: _index, ...rest } = toolCall as typeof toolCall & { index?: number };
  if (rest.type !== 'function') return rest;
  const { parsed_arguments: _parsed, ...fn } = rest.function as typeof rest.function & { parsed_arguments?: unknown };
  return { ...rest, function: fn };
}

/** The `tool` message answering `toolCallId`. */
export function toolMessage(toolCallId: string, content: string): ChatCompletionToolMessageParam {
  return { role: 'tool', tool_call_id: toolCallId, content };
}
