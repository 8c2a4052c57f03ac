/**
 * The Messages API rules that a translated request can break, checked the way Anthropic checks
 * them (and reported with messages in Anthropic's style), so a test against the scripted server
 * fails where the real API would answer HTTP 400.
 */

/** Thinking the server handed out: Anthropic only accepts thinking blocks back with their own signature. */
export interface IssuedThinking {
  /** signature → the thinking text it signs. */
  readonly signatures: ReadonlyMap<string, string>;
  /** `data` of every redacted thinking block sent. */
  readonly redacted: ReadonlySet<string>;
}

type Json = Record<string, unknown>;

/** Top-level keys the Messages API accepts; anything else is "Extra inputs are not permitted". */
const MESSAGES_KEYS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'tools',
  'tool_choice',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'stream',
  'metadata',
  'thinking',
  'service_tier',
  'container',
  'mcp_servers',
  'context_management',
  'output_config',
  'output_format',
]);
const TOOL_KEYS = new Set(['name', 'description', 'input_schema', 'cache_control', 'type', 'strict']);
const USER_BLOCKS = new Set(['text', 'image', 'document', 'tool_result']);
const ASSISTANT_BLOCKS = new Set(['text', 'tool_use', 'thinking', 'redacted_thinking']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** Every rule `body` breaks, as Anthropic would word it; empty when the request is valid. */
export function validateMessagesRequest(body: unknown, issued: IssuedThinking): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ['the request body must be a JSON object'];
  for (const key of Object.keys(body)) if (!MESSAGES_KEYS.has(key)) problems.push(`${key}: Extra inputs are not permitted`);
  if (typeof body['model'] !== 'string' || body['model'] === '') problems.push('model: Field required');
  const maxTokens = body['max_tokens'];
  if (!Number.isInteger(maxTokens) || (maxTokens as number) < 1) problems.push('max_tokens: Field required (a positive integer)');
  if (body['stream'] !== undefined && typeof body['stream'] !== 'boolean') problems.push('stream: Input should be a valid boolean');
  for (const key of ['temperature', 'top_p']) {
    const value = body[key];
    if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) problems.push(`${key}: Input should be a number between 0 and 1`);
  }
  const stop = body['stop_sequences'];
  if (stop !== undefined && (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string'))) {
    problems.push('stop_sequences: Input should be a valid list of strings');
  }
  checkSystem(body['system'], problems);
  const toolNames = checkTools(body['tools'], problems);
  checkToolChoice(body['tool_choice'], toolNames, problems);
  checkMessages(body['messages'], problems, issued);
  checkThinking(body, problems);
  return problems;
}

function checkSystem(system: unknown, problems: string[]): void {
  if (system === undefined || typeof system === 'string') return;
  if (!Array.isArray(system)) return void problems.push('system: Input should be a valid string or list of text blocks');
  system.forEach((block, i) => {
    if (!isObject(block) || block['type'] !== 'text' || typeof block['text'] !== 'string' || block['text'] === '') {
      problems.push(`system.${i}: Input should be a non-empty text block`);
    }
  });
}

function checkTools(tools: unknown, problems: string[]): Set<string> {
  const names = new Set<string>();
  if (tools === undefined) return names;
  if (!Array.isArray(tools)) {
    problems.push('tools: Input should be a valid list');
    return names;
  }
  tools.forEach((tool, i) => {
    if (!isObject(tool)) return void problems.push(`tools.${i}: Input should be a valid dictionary`);
    for (const key of Object.keys(tool)) if (!TOOL_KEYS.has(key)) problems.push(`tools.${i}.${key}: Extra inputs are not permitted`);
    if (typeof tool['name'] !== 'string' || !TOOL_NAME.test(tool['name'])) problems.push(`tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    else if (names.has(tool['name'])) problems.push(`tools: Tool names must be unique (${tool['name']})`);
    else names.add(tool['name']);
    const schema = tool['input_schema'];
    if (!isObject(schema) || schema['type'] !== 'object') problems.push(`tools.${i}.input_schema.type: Input should be 'object'`);
  });
  return names;
}

function checkToolChoice(choice: unknown, toolNames: Set<string>, problems: string[]): void {
  if (choice === undefined) return;
  if (!isObject(choice) || !['auto', 'any', 'tool', 'none'].includes(choice['type'] as string)) {
    return void problems.push("tool_choice: Input tag should be one of 'auto', 'any', 'tool', 'none'");
  }
  if (toolNames.size === 0 && choice['type'] !== 'none') problems.push('tool_choice: tool_choice may only be specified while providing tools');
  if (choice['type'] === 'tool' && !toolNames.has(choice['name'] as string)) {
    problems.push(`tool_choice.name: Tool '${String(choice['name'])}' not found in provided tools`);
  }
  if (choice['type'] === 'none' && 'disable_parallel_tool_use' in choice) problems.push('tool_choice.none.disable_parallel_tool_use: Extra inputs are not permitted');
  const disable = choice['disable_parallel_tool_use'];
  if (disable !== undefined && typeof disable !== 'boolean') problems.push('tool_choice.disable_parallel_tool_use: Input should be a valid boolean');
}

function checkMessages(messages: unknown, problems: string[], issued: IssuedThinking): void {
  if (!Array.isArray(messages) || messages.length === 0) return void problems.push('messages: at least one message is required');
  messages.forEach((message, i) => {
    if (!isObject(message) || (message['role'] !== 'user' && message['role'] !== 'assistant')) {
      return void problems.push(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    const content = message['content'];
    if (typeof content === 'string') {
      if (content === '' && !(message['role'] === 'assistant' && i === messages.length - 1)) problems.push(`messages.${i}: all messages must have non-empty content`);
      return;
    }
    if (!Array.isArray(content) || content.length === 0) return void problems.push(`messages.${i}: all messages must have non-empty content`);
    const allowed = message['role'] === 'user' ? USER_BLOCKS : ASSISTANT_BLOCKS;
    let seenOtherBlock = false;
    content.forEach((block, j) => {
      const path = `messages.${i}.content.${j}`;
      if (!isObject(block) || !allowed.has(block['type'] as string)) {
        return void problems.push(`${path}.type: '${isObject(block) ? String(block['type']) : typeof block}' is not a valid ${message['role']} content block`);
      }
      if (block['type'] === 'tool_result') {
        if (seenOtherBlock) problems.push(`${path}: tool_result blocks must come before any other content in a user message`);
      } else {
        seenOtherBlock = true;
      }
      checkBlock(block, path, problems, issued);
    });
  });
  checkToolPairing(messages, problems);
}

function checkBlock(block: Json, path: string, problems: string[], issued: IssuedThinking): void {
  switch (block['type']) {
    case 'text':
      if (typeof block['text'] !== 'string' || block['text'] === '') problems.push(`${path}: text content blocks must be non-empty`);
      return;
    case 'image': {
      const source = block['source'];
      const valid =
        isObject(source) &&
        ((source['type'] === 'base64' && typeof source['media_type'] === 'string' && typeof source['data'] === 'string') ||
          (source['type'] === 'url' && typeof source['url'] === 'string'));
      if (!valid) problems.push(`${path}.source: Input should be a base64 or url image source`);
      return;
    }
    case 'tool_use':
      if (typeof block['id'] !== 'string' || typeof block['name'] !== 'string') problems.push(`${path}: tool_use blocks need an id and a name`);
      if (!isObject(block['input'])) problems.push(`${path}.input: Input should be a valid dictionary`);
      return;
    case 'tool_result': {
      const content = block['content'];
      if (typeof block['tool_use_id'] !== 'string') problems.push(`${path}.tool_use_id: Field required`);
      if (content !== undefined && typeof content !== 'string' && !Array.isArray(content)) problems.push(`${path}.content: Input should be a string or a list of blocks`);
      if (block['is_error'] !== undefined && typeof block['is_error'] !== 'boolean') problems.push(`${path}.is_error: Input should be a valid boolean`);
      return;
    }
    case 'thinking': {
      const signed = typeof block['signature'] === 'string' ? issued.signatures.get(block['signature']) : undefined;
      if (signed === undefined || signed !== block['thinking']) problems.push(`${path}: Invalid \`signature\` in \`thinking\` block`);
      return;
    }
    case 'redacted_thinking':
      if (typeof block['data'] !== 'string' || !issued.redacted.has(block['data'])) problems.push(`${path}: Invalid \`data\` in \`redacted_thinking\` block`);
      return;
  }
}

/** Every tool_use must be answered by a tool_result in the next message, and every tool_result must answer one. */
function checkToolPairing(messages: unknown[], problems: string[]): void {
  messages.forEach((message, i) => {
    if (!isObject(message) || !Array.isArray(message['content'])) return;
    const blocks = message['content'].filter(isObject);
    if (message['role'] === 'assistant') {
      const ids = blocks.filter((b) => b['type'] === 'tool_use').map((b) => b['id']);
      if (ids.length === 0) return;
      const next = messages[i + 1];
      const answered = new Set(
        isObject(next) && Array.isArray(next['content']) ? next['content'].filter(isObject).filter((b) => b['type'] === 'tool_result').map((b) => b['tool_use_id']) : [],
      );
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length > 0 && i + 1 < messages.length) {
        problems.push(
          `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. ` +
            'Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
        );
      }
    } else {
      const previous = messages[i - 1];
      const asked = new Set(
        isObject(previous) && previous['role'] === 'assistant' && Array.isArray(previous['content'])
          ? previous['content'].filter(isObject).filter((b) => b['type'] === 'tool_use').map((b) => b['id'])
          : [],
      );
      blocks.forEach((block, j) => {
        if (block['type'] === 'tool_result' && !asked.has(block['tool_use_id'])) {
          problems.push(
            `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block['tool_use_id'])}. ` +
              'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
          );
        }
      });
    }
  });
}

/** With extended thinking on, the assistant turn being continued after tool results must start with its thinking. */
function checkThinking(body: Json, problems: string[]): void {
  const thinking = body['thinking'];
  if (!isObject(thinking) || thinking['type'] !== 'enabled') return;
  const budget = thinking['budget_tokens'];
  if (!Number.isInteger(budget) || (budget as number) < 1024) problems.push('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
  else if (Number.isInteger(body['max_tokens']) && (budget as number) >= (body['max_tokens'] as number)) {
    problems.push('`max_tokens` must be greater than `thinking.budget_tokens`');
  }
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  let lastAssistant = -1;
  messages.forEach((message, i) => {
    if (isObject(message) && message['role'] === 'assistant') lastAssistant = i;
  });
  const assistant = messages[lastAssistant] as Json | undefined;
  const content = assistant?.['content'];
  if (!Array.isArray(content) || !content.some((b) => isObject(b) && b['type'] === 'tool_use')) return;
  const first = content[0] as Json | undefined;
  if (first?.['type'] !== 'thinking' && first?.['type'] !== 'redacted_thinking') {
    problems.push(
      `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first?.['type'])}\`. ` +
        'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of ' +
        '`tool_use` and `tool_result` blocks). To avoid this requirement, disable `thinking`.',
    );
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
