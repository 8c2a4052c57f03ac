import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolArgumentsError } from '../../tools/errors.js';
import type { ToolCall, ToolInvoker } from '../../tools/tool.js';
import { ToolResult } from '../../tools/tool-result.js';
import { withTimeout } from '../../tools/timeout.js';
import { callToolMethod } from '../../tools/validation/validated-invoker.js';
import { McpConfigurationError } from '../errors.js';
import { callToolResultOf, errorResult, messageOf } from './call-result.js';
import { LogLevels } from './log-levels.js';
import { mcpToolContext, type McpCaller, type McpServerRequestExtra } from './mcp-tool-context.js';
import { servedTools, type ServedTool } from './served-tools.js';
import { mcpToolDefinition } from './tool-definition.js';

/** Options of {@link createMcpServer}. */
export interface CreateMcpServerOptions<C = McpCaller> {
  /** The server's name, as clients show it. */
  name: string;
  /** The server's version. */
  version: string;
  /** Instances of `@Toolset` classes; every `@Tool` method becomes an MCP tool (names must be unique). */
  toolsets: readonly object[];
  /** Told to clients at initialization: how to use the server's tools. */
  instructions?: string;
  /**
   * Makes the `context` a tool receives (`ctx.context`) from the MCP request: its `authInfo` (the
   * validated token), `_meta`, `sessionId`, `requestInfo.headers`. Called once per `tools/call`;
   * when it throws, the call fails with a JSON-RPC error and the tool does not run.
   * Default: an {@link McpCaller} `{ authInfo, meta, sessionId }`.
   *
   * @example
   * ```ts
   * context: ({ authInfo }) => ({ userId: authInfo?.clientId ?? 'anonymous' })
   * ```
   */
  context?: (request: McpServerRequestExtra) => C | Promise<C>;
  /**
   * Told about every error a tool threw (a timeout included), with its stack: the client only gets
   * the message. Log it here. Not called for invalid arguments or `ToolResult.error`, which are answers.
   */
  onError?: (error: unknown, call: McpToolErrorInfo) => void;
}

/** Which call an error of {@link CreateMcpServerOptions.onError} came from. */
export interface McpToolErrorInfo {
  /** The tool's name as served. */
  readonly toolName: string;
  /** `ClassName.method`. */
  readonly owner: string;
  /** The MCP request. */
  readonly request: McpServerRequestExtra;
}

const OPTION_KEYS = new Set(['name', 'version', 'toolsets', 'instructions', 'context', 'onError']);

/**
 * An MCP server (the SDK's `McpServer`) whose tools are the `@Tool` methods of `toolsets`: the same
 * classes an `Agent` uses, with the same DTOs for schema and validation. Connect it to any SDK
 * transport, e.g. `StdioServerTransport` for a command-line server (one server per connection);
 * for Streamable HTTP with sessions use {@link mcpHttpHandler}.
 *
 * - `tools/list`: each tool's `inputSchema` (and `outputSchema` for `@Tool({ output })`) is JSON
 *   Schema 2020-12 built from its DTO; `annotations` from `@Tool({ annotations })`.
 * - `tools/call`: arguments are validated exactly as for the model; invalid ones, a thrown error
 *   (message only, no stack), a timeout or `ToolResult.error` answer `isError: true` naming the
 *   problem. `new ToolResult(text, { mcp: callToolResult })` is sent as it is.
 * - The tool's `ctx` is an {@link McpToolContext}: `reportProgress`, `log` (honouring
 *   `logging/setLevel`), `createMessage`, `elicitInput`, and a `signal` the client's cancellation aborts.
 *
 * Resources and prompts are not generated from toolsets; register them on the returned server with
 * the SDK (`registerResource`, `registerPrompt`). Its tools are the toolsets' own: `registerTool`
 * on it throws.
 *
 * @example
 * ```ts
 * import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
 * const server = createMcpServer({ name: 'weather', version: '1.0.0', toolsets: [new WeatherTools(api)] });
 * await server.connect(new StdioServerTransport());
 * ```
 *
 * @throws {McpConfigurationError} for malformed options (naming each), a toolset that is not a
 *   `@Toolset` instance, or two tools with one name.
 * @throws {ToolConfigurationError} when a tool's schema cannot be built.
 */
export function createMcpServer<C = McpCaller>(options: CreateMcpServerOptions<C>): McpServer {
  return prepareMcpServer(options, 'createMcpServer()')();
}

/**
 * Checks the options and builds the tool list once, and returns a function that creates a server
 * from them (one per connection or session).
 *
 * @throws as {@link createMcpServer}.
 */
export function prepareMcpServer<C>(options: CreateMcpServerOptions<C>, where: string, extraKeys: readonly string[] = []): () => McpServer {
  assertServerOptions(options, where, extraKeys);
  const tools = servedTools(options.toolsets, where);
  const definitions = [...tools.values()].map((tool) => mcpToolDefinition(tool.plan));
  const contextOf = options.context ?? ((extra: McpServerRequestExtra) => ({ authInfo: extra.authInfo, meta: extra._meta, sessionId: extra.sessionId }) as C);
  const { name, version, instructions, onError } = options;
  return () => {
    const server = new McpServer({ name, version }, { capabilities: { tools: {}, logging: {} }, ...(instructions === undefined ? {} : { instructions }) });
    const logLevels = new LogLevels();
    logLevels.install(server);
    server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: definitions }));
    server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const tool = tools.get(request.params.name);
      if (!tool) {
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name}". Available tools: ${[...tools.keys()].join(', ') || '(none)'}.`);
      }
      const context = await contextOf(extra);
      return callServedTool(tool, request.params.arguments ?? {}, extra, { server, logLevels, context, onError });
    });
    return server;
  };
}

async function callServedTool<C>(
  tool: ServedTool,
  args: unknown,
  extra: McpServerRequestExtra,
  scope: { server: McpServer; logLevels: LogLevels; context: C; onError: CreateMcpServerOptions<C>['onError'] },
): Promise<CallToolResult> {
  const { plan, spec } = tool;
  let settled = false;
  const toolCall: ToolCall = { id: String(extra.requestId), type: 'function', function: { name: plan.name, arguments: JSON.stringify(args) } };
  // A ToolInvoker so the tool's timeout works as in a run (withTimeout aborts the signal it passes on).
  const invoke: ToolInvoker<C> = (_call, context, options) =>
    callToolMethod(spec, structuredClone(args), mcpToolContext(extra, { ...scope, context, toolCall, signal: options!.signal, settled: () => settled }));
  try {
    const result = await withTimeout(invoke, plan.timeout ?? 0, plan.name)(toolCall, scope.context, { signal: extra.signal, iteration: 0 });
    return await callToolResultOf(ToolResult.from(result), plan);
  } catch (error) {
    if (error instanceof McpError && error.code === ErrorCode.UrlElicitationRequired) throw error; // the client must open the URL
    if (!(error instanceof ToolArgumentsError)) reportError(scope.onError, error, { toolName: plan.name, owner: plan.owner, request: extra });
    return errorResult(messageOf(error, plan.name));
  } finally {
    settled = true;
  }
}

function reportError(onError: ((error: unknown, call: McpToolErrorInfo) => void) | undefined, error: unknown, call: McpToolErrorInfo): void {
  try {
    onError?.(error, call);
  } catch {
    // A failing error reporter must not change the answer.
  }
}

function assertServerOptions(options: unknown, where: string, extraKeys: readonly string[]): asserts options is CreateMcpServerOptions<unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new McpConfigurationError(`${where}: options must be an object { name, version, toolsets }, got ${options === null ? 'null' : typeof options}.`);
  }
  const given = options as Record<string, unknown>;
  const problems: string[] = [];
  const known = [...OPTION_KEYS, ...extraKeys];
  for (const key of Object.keys(given)) if (!known.includes(key)) problems.push(`unknown option "${key}" (known: ${known.join(', ')})`);
  for (const key of ['name', 'version'] as const) {
    if (typeof given[key] !== 'string' || given[key] === '') problems.push(`\`${key}\` must be a non-empty string, got ${JSON.stringify(given[key]) ?? 'undefined'}`);
  }
  if (given['instructions'] !== undefined && typeof given['instructions'] !== 'string') problems.push('`instructions` must be a string');
  for (const key of ['context', 'onError'] as const) {
    if (given[key] !== undefined && typeof given[key] !== 'function') problems.push(`\`${key}\` must be a function`);
  }
  if (problems.length > 0) throw new McpConfigurationError(`${where}: ${problems.join('; ')}.`);
}
