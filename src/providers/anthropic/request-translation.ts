import { AnthropicRequestError } from './errors.js';
import { describe, isObject, translateMessages } from './request-messages.js';
import type { AnthropicTool, AnthropicToolChoice, MessagesRequest } from './wire-types.js';

/** Settings of the request translation. */
export interface RequestTranslationOptions {
  /** `max_tokens` when the request sets neither `max_completion_tokens` nor `max_tokens` (Anthropic requires it). */
  readonly defaultMaxTokens: number;
}

/**
 * Chat Completions keys with no Anthropic equivalent. They are dropped so a request built for OpenAI
 * (the engine always sends `stream_options`) is accepted by Anthropic, which rejects unknown keys.
 */
export const DROPPED_OPENAI_KEYS: ReadonlySet<string> = new Set([
  'audio',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'modalities',
  'moderation',
  'n',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_options',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'seed',
  'store',
  'stream_options',
  'top_logprobs',
  'verbosity',
  'web_search_options',
]);

/** Keys translated below; every key in neither set (`thinking`, `top_k`, ...) is passed through as is. */
const TRANSLATED_KEYS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'stream',
  'temperature',
  'top_p',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'user',
  'safety_identifier',
  'metadata',
  'service_tier',
  'functions',
  'function_call',
]);

/** Service tiers Anthropic accepts; OpenAI's others (`flex`, `scale`, ...) are dropped. */
const ANTHROPIC_SERVICE_TIERS: ReadonlySet<unknown> = new Set(['auto', 'standard_only']);

/**
 * Translates a Chat Completions request body into a Messages API body.
 *
 * @throws {AnthropicRequestError} when the request uses something Anthropic cannot express.
 */
export function toMessagesRequest(body: unknown, options: RequestTranslationOptions): MessagesRequest {
  if (!isObject(body)) throw new AnthropicRequestError('The request body must be a JSON object.');
  const model = body['model'];
  if (typeof model !== 'string' || model === '') {
    throw new AnthropicRequestError(`\`model\` must be an Anthropic model name such as "claude-sonnet-4-5", got ${describe(model)}.`);
  }
  if (body['functions'] != null || body['function_call'] != null) {
    throw new AnthropicRequestError('Legacy `functions` / `function_call` are not supported; pass `tools` and `tool_choice` instead.');
  }

  const request: Record<string, unknown> = {};
  const conversation = translateMessages(body['messages']);
  request['model'] = model;
  request['max_tokens'] = maxTokens(body, options.defaultMaxTokens);
  request['messages'] = conversation.messages;
  if (conversation.system !== undefined) request['system'] = conversation.system;

  const stop = body['stop'];
  if (typeof stop === 'string') request['stop_sequences'] = [stop];
  else if (Array.isArray(stop) && stop.length > 0) request['stop_sequences'] = stop.filter((s): s is string => typeof s === 'string');
  // OpenAI's range is 0-2, Anthropic's 0-1: higher values are capped, as Anthropic's own compatibility layer does.
  if (typeof body['temperature'] === 'number') request['temperature'] = Math.min(body['temperature'], 1);
  if (typeof body['top_p'] === 'number') request['top_p'] = body['top_p'];
  if (body['stream'] === true) request['stream'] = true;

  const userId = userIdOf(body);
  if (userId !== undefined) request['metadata'] = { user_id: userId };
  if (ANTHROPIC_SERVICE_TIERS.has(body['service_tier'])) request['service_tier'] = body['service_tier'];

  const tools = translateTools(body['tools']);
  if (tools !== undefined) {
    const choice = translateToolChoice(body['tool_choice'], tools);
    request['tools'] = choice.tools;
    const toolChoice = choice.toolChoice;
    if (body['parallel_tool_calls'] === false && toolChoice?.type !== 'none') {
      request['tool_choice'] = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
    } else if (toolChoice !== undefined) {
      request['tool_choice'] = toolChoice;
    }
  }
  for (const [key, value] of Object.entries(body)) {
    if (!DROPPED_OPENAI_KEYS.has(key) && !TRANSLATED_KEYS.has(key) && value !== undefined && !(key in request)) request[key] = value;
  }
  return request as MessagesRequest;
}

function maxTokens(body: Record<string, unknown>, fallback: number): number {
  const key = body['max_completion_tokens'] != null ? 'max_completion_tokens' : body['max_tokens'] != null ? 'max_tokens' : undefined;
  if (key === undefined) return fallback;
  const value = body[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new AnthropicRequestError(`\`${key}\` must be a positive integer, got ${describe(value)}.`);
  }
  return value;
}

/** Anthropic's `metadata.user_id`: from `user`, else `safety_identifier`, else an Anthropic-style `metadata.user_id`. */
function userIdOf(body: Record<string, unknown>): string | undefined {
  for (const value of [body['user'], body['safety_identifier'], (body['metadata'] as Record<string, unknown> | undefined)?.['user_id']]) {
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Function tools → `{ name, description, input_schema }` (`strict` dropped); `undefined` when there are none. */
function translateTools(tools: unknown): AnthropicTool[] | undefined {
  if (tools == null) return undefined;
  if (!Array.isArray(tools)) throw new AnthropicRequestError(`\`tools\` must be an array, got ${describe(tools)}.`);
  if (tools.length === 0) return undefined;
  return tools.map((tool: unknown, i): AnthropicTool => {
    const path = `tools[${i}]`;
    if (!isObject(tool) || tool['type'] !== 'function' || !isObject(tool['function'])) {
      const type = isObject(tool) ? tool['type'] : tool;
      throw new AnthropicRequestError(`${path} has type ${describe(type)}; only function tools { type: "function", function: {...} } are translated.`);
    }
    const fn = tool['function'];
    if (typeof fn['name'] !== 'string' || fn['name'] === '') throw new AnthropicRequestError(`${path}.function.name must be a non-empty string.`);
    const parameters = fn['parameters'] ?? { type: 'object', properties: {} };
    if (!isObject(parameters) || (parameters['type'] !== undefined && parameters['type'] !== 'object')) {
      throw new AnthropicRequestError(`${path}.function.parameters must be a JSON schema of type "object" (Anthropic's input_schema), got ${describe(parameters)}.`);
    }
    const translated: AnthropicTool = { name: fn['name'], input_schema: parameters['type'] === undefined ? { type: 'object', ...parameters } : parameters };
    if (typeof fn['description'] === 'string' && fn['description'] !== '') translated.description = fn['description'];
    const cacheControl = tool['cache_control'] ?? fn['cache_control'];
    if (isObject(cacheControl)) translated.cache_control = cacheControl;
    return translated;
  });
}

/**
 * `auto` → `auto`, `required` → `any`, `none` → `none`, a named function → `tool`, and OpenAI's
 * `allowed_tools` → the listed tools only, with `auto` or `any`.
 */
function translateToolChoice(choice: unknown, tools: AnthropicTool[]): { tools: AnthropicTool[]; toolChoice?: AnthropicToolChoice } {
  if (choice == null) return { tools };
  if (choice === 'auto') return { tools, toolChoice: { type: 'auto' } };
  if (choice === 'required') return { tools, toolChoice: { type: 'any' } };
  if (choice === 'none') return { tools, toolChoice: { type: 'none' } };
  if (isObject(choice) && choice['type'] === 'function') {
    const name = (choice['function'] as Record<string, unknown> | undefined)?.['name'];
    if (typeof name !== 'string' || !tools.some((tool) => tool.name === name)) {
      throw new AnthropicRequestError(`tool_choice names function ${describe(name)}, which is not in \`tools\`.`);
    }
    return { tools, toolChoice: { type: 'tool', name } };
  }
  if (isObject(choice) && choice['type'] === 'allowed_tools' && isObject(choice['allowed_tools'])) {
    const allowed = choice['allowed_tools'];
    const names = new Set(
      (Array.isArray(allowed['tools']) ? allowed['tools'] : []).map((tool: unknown) => (isObject(tool) && isObject(tool['function']) ? tool['function']['name'] : undefined)),
    );
    const kept = tools.filter((tool) => names.has(tool.name));
    if (kept.length === 0) throw new AnthropicRequestError('tool_choice.allowed_tools lists none of the functions in `tools`.');
    return { tools: kept, toolChoice: { type: allowed['mode'] === 'required' ? 'any' : 'auto' } };
  }
  throw new AnthropicRequestError(
    `tool_choice ${describe(choice)} has no Anthropic equivalent; use "auto", "required", "none" or { type: "function", function: { name } }.`,
  );
}
