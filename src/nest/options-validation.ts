import type { ChatAgentOptions } from './chat-agent-options.interface.js';
import { ChatToolsModuleError } from './chat-tools-module.error.js';
import type { ChatAgentDefaults, ChatMcpServerOptions, ChatToolsModuleOptions } from './chat-tools-options.interface.js';
import { describeValue } from './describe-value.js';
import { telemetryOptionProblem } from '../telemetry/options.js';

// Written as `satisfies Record<keyof ..., true>` so adding an option to the interfaces (or to
// AgentOptions) fails compilation here until the key is listed.
const DEFAULT_KEYS = {
  instructions: true,
  handlers: true,
  params: true,
  maxIterations: true,
  onToolError: true,
  parallelToolCalls: true,
  fallbackInvoker: true,
  toolCallOutputCallback: true,
  requestOptions: true,
  needsApproval: true,
  signingKey: true,
  stopWhen: true,
  prepareStep: true,
  repeatedCallLimit: true,
  streamTimeouts: true,
  retry: true,
  fallbackModels: true,
  maxToolOutputChars: true,
  telemetry: true,
  checkpointToolCalls: true,
} as const satisfies Record<keyof ChatAgentDefaults, true>;

/** The agent defaults among the module options (every key of {@link ChatAgentDefaults}, by construction of DEFAULT_KEYS). */
export function agentDefaultsOf<C>(options: ChatToolsModuleOptions<C>): ChatAgentDefaults<C> {
  const defaults: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_KEYS)) {
    const value = (options as unknown as Record<string, unknown>)[key];
    if (value !== undefined) defaults[key] = value;
  }
  return defaults as ChatAgentDefaults<C>;
}

const MODULE_KEYS = {
  ...DEFAULT_KEYS,
  client: true,
  clientFactory: true,
  model: true,
  mcpServers: true,
  mcpServer: true,
  runStateStore: true,
} as const satisfies Record<keyof ChatToolsModuleOptions, true>;

const AGENT_KEYS = {
  ...DEFAULT_KEYS,
  name: true,
  client: true,
  model: true,
  toolsets: true,
  tags: true,
  mcpServers: true,
  tools: true,
  toolInvokers: true,
  outputType: true,
} as const satisfies Record<keyof ChatAgentOptions, true>;

/**
 * Checks the module options where they are given.
 *
 * @throws {ChatToolsModuleError} naming the first problem and `where` the options came from.
 */
export function assertModuleOptions(value: unknown, where: string): asserts value is ChatToolsModuleOptions {
  const options = asOptionsObject(value, where, '{ client, model, ... }');
  rejectUnknownKeys(options, MODULE_KEYS, where);
  const hasClient = options['client'] !== undefined;
  const hasFactory = options['clientFactory'] !== undefined;
  if (hasClient === hasFactory) {
    throw new ChatToolsModuleError(
      `${where}: give exactly one of \`client\` (an OpenAI instance) and \`clientFactory\` (a function returning one); got ${hasClient ? 'both' : 'neither'}.`,
    );
  }
  if (hasClient && typeof options['client'] !== 'object') throw new ChatToolsModuleError(`${where}: \`client\` must be an OpenAI instance, got ${describeValue(options['client'])}.`);
  if (hasFactory && typeof options['clientFactory'] !== 'function') {
    throw new ChatToolsModuleError(`${where}: \`clientFactory\` must be a function returning an OpenAI instance, got ${describeValue(options['clientFactory'])}.`);
  }
  if (typeof options['model'] !== 'string' || options['model'] === '') {
    throw new ChatToolsModuleError(`${where}: \`model\` must be the default model name (a non-empty string), got ${describeValue(options['model'])}.`);
  }
  assertObjectList(options['handlers'], `${where}: \`handlers\``, 'hook handler instances');
  assertTelemetry(options['telemetry'], where);
  const servers = options['mcpServers'];
  assertObjectList(servers, `${where}: \`mcpServers\``, 'McpToolset.connect configs ({ url } | { command } | { client })');
  (servers as readonly Record<string, unknown>[] | undefined)?.forEach((server, i) => assertStringList(server['tags'], `${where}: \`mcpServers[${i}].tags\``));
  if (options['mcpServer'] !== undefined) assertMcpServerOptions(options['mcpServer'], `${where}: \`mcpServer\``);
  assertRunStateStore(options['runStateStore'], where);
}

const MCP_SERVER_KEYS = {
  path: true,
  tags: true,
  toolsets: true,
  name: true,
  version: true,
  instructions: true,
  guards: true,
  context: true,
  allowedHosts: true,
  allowedOrigins: true,
  eventStore: true,
  retryInterval: true,
  sessionIdleTimeout: true,
  onError: true,
} as const satisfies Record<keyof ChatMcpServerOptions, true>;

/**
 * Checks `mcpServer` where it is given (the HTTP details, such as `allowedHosts`, are checked by
 * `mcpHttpHandler` when the module initializes).
 *
 * @throws {ChatToolsModuleError} naming the first problem.
 */
export function assertMcpServerOptions(value: unknown, where: string): asserts value is ChatMcpServerOptions {
  const options = asOptionsObject(value, where, "{ path: '/mcp', tags?, toolsets?, guards?, context?, ... }");
  rejectUnknownKeys(options, MCP_SERVER_KEYS, where);
  if (typeof options['path'] !== 'string' || options['path'] === '') {
    throw new ChatToolsModuleError(`${where}: \`path\` must be the route of the MCP endpoint, such as '/mcp', got ${describeValue(options['path'])}.`);
  }
  assertStringList(options['tags'], `${where}: \`tags\``);
  const toolsets = options['toolsets'];
  if (toolsets !== undefined && !Array.isArray(toolsets)) {
    throw new ChatToolsModuleError(`${where}: \`toolsets\` must be an array of @Toolset classes or instances, got ${describeValue(toolsets)}.`);
  }
  const guards = options['guards'];
  if (guards !== undefined && (!Array.isArray(guards) || guards.some((guard) => typeof guard !== 'function' && (typeof guard !== 'object' || guard === null)))) {
    throw new ChatToolsModuleError(`${where}: \`guards\` must be an array of guard classes or instances, got ${describeValue(guards)}.`);
  }
  for (const key of ['name', 'version', 'instructions'] as const) assertOptionalNonEmptyString(options, key, where);
  if (options['context'] !== undefined && typeof options['context'] !== 'function') {
    throw new ChatToolsModuleError(`${where}: \`context\` must be a function of the request, got ${describeValue(options['context'])}.`);
  }
}

/** A store instance has the store's methods; a class is taken on trust (Nest instantiates it). */
function assertRunStateStore(store: unknown, where: string): void {
  if (store === undefined || typeof store === 'function') return;
  const methods = store as Partial<Record<'load' | 'save', unknown>> | null;
  if (typeof methods !== 'object' || methods === null || typeof methods.load !== 'function' || typeof methods.save !== 'function') {
    throw new ChatToolsModuleError(
      `${where}: \`runStateStore\` must be a RunStateStore (an object with load() and save(), e.g. new InMemoryRunStateStore()) or a class implementing it, got ${describeValue(store)}.`,
    );
  }
}

/**
 * Checks the options of one agent.
 *
 * @throws {ChatToolsModuleError} naming the first problem and `where` the options came from.
 */
export function assertAgentOptions(value: unknown, where: string): asserts value is ChatAgentOptions {
  const options = asOptionsObject(value, where, '{ toolsets?, tags?, instructions?, ... }');
  rejectUnknownKeys(options, AGENT_KEYS, where);
  assertOptionalNonEmptyString(options, 'name', where);
  assertOptionalNonEmptyString(options, 'model', where);
  const toolsets = options['toolsets'];
  if (toolsets !== undefined && !Array.isArray(toolsets)) {
    throw new ChatToolsModuleError(`${where}: \`toolsets\` must be an array of @Toolset classes or toolset objects, got ${describeValue(toolsets)}.`);
  }
  assertStringList(options['tags'], `${where}: \`tags\``);
  assertStringList(options['mcpServers'], `${where}: \`mcpServers\` (server names)`);
  assertObjectList(options['handlers'], `${where}: \`handlers\``, 'hook handler instances');
  assertTelemetry(options['telemetry'], where);
}

function assertTelemetry(value: unknown, where: string): void {
  const problem = telemetryOptionProblem(value);
  if (problem) throw new ChatToolsModuleError(`${where}: ${problem}`);
}

function asOptionsObject(value: unknown, where: string, shape: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ChatToolsModuleError(`${where}: options must be an object ${shape}, got ${describeValue(value)}.`);
  }
  return value as Record<string, unknown>;
}

function rejectUnknownKeys(options: Record<string, unknown>, known: Record<string, true>, where: string): void {
  const unknown = Object.keys(options).filter((key) => !Object.hasOwn(known, key));
  if (unknown.length > 0) {
    throw new ChatToolsModuleError(
      `${where}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')}. ` +
        `Known options: ${Object.keys(known).join(', ')}.`,
    );
  }
}

function assertOptionalNonEmptyString(options: Record<string, unknown>, key: string, where: string): void {
  const value = options[key];
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new ChatToolsModuleError(`${where}: \`${key}\` must be a non-empty string, got ${describeValue(value)}.`);
  }
}

function assertStringList(value: unknown, what: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw new ChatToolsModuleError(`${what} must be an array of non-empty strings, got ${describeValue(value)}.`);
  }
}

function assertObjectList(value: unknown, what: string, items: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'object' || item === null)) {
    throw new ChatToolsModuleError(`${what} must be an array of ${items}, got ${describeValue(value)}.`);
  }
}
