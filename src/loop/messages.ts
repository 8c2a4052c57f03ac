import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessage,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';

/**
 * Response-only message fields that must not be sent back as input. `provider_metadata` is the
 * routing and cost record gateways (Vercel AI Gateway) put on the message: it would grow every later request.
 */
const RESPONSE_ONLY_FIELDS = new Set(['role', 'content', 'refusal', 'tool_calls', 'parsed', 'annotations', 'audio', 'function_call', 'provider_metadata']);

/** Fields of one completion message the provider refuses as input (set by the turn that produced it). */
const NOT_SENT_BACK: unique symbol = Symbol('notSentBack');

/** Keeps `field` of this completion message out of the history sent back (e.g. Mistral's reasoning). */
export function markNotSentBack(message: object, field: string): void {
  const marked = message as { [NOT_SENT_BACK]?: Set<string> };
  if (!marked[NOT_SENT_BACK]) Object.defineProperty(marked, NOT_SENT_BACK, { value: new Set<string>(), enumerable: false });
  marked[NOT_SENT_BACK]!.add(field);
}

/**
 * The assistant message as input for the next request: response-only fields dropped, provider extras
 * (`reasoning_content`, `reasoning`, OpenRouter's `reasoning_details`, Gemini's `extra_content` on tool
 * calls) kept, unless the turn marked them as refused by the provider.
 */
export function toAssistantParam(message: ChatCompletionMessage): ChatCompletionAssistantMessageParam {
  const source = message as unknown as Record<string, unknown>;
  const notSentBack = (message as { [NOT_SENT_BACK]?: Set<string> })[NOT_SENT_BACK];
  const toolCalls = message.tool_calls?.length ? message.tool_calls.map(toToolCallParam) : undefined;
  // A tool-call turn without text is `content: null` whether the provider sent "" (openai 7 keeps it, 6 drops it) or nothing.
  const content = toolCalls && message.content === '' ? null : message.content;
  const param: Record<string, unknown> = {
    role: 'assistant',
    content: content ?? (toolCalls || message.refusal ? null : ''),
  };
  if (message.refusal) param['refusal'] = message.refusal;
  if (toolCalls) param['tool_calls'] = toolCalls;
  if (message.audio?.id) param['audio'] = { id: message.audio.id };
  if (message.function_call) param['function_call'] = message.function_call;
  for (const key in source) {
    if (RESPONSE_ONLY_FIELDS.has(key) || notSentBack?.has(key)) continue;
    if (source[key] !== null && source[key] !== undefined) param[key] = source[key];
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
