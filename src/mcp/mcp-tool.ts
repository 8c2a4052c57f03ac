import { DEFAULT_REQUEST_TIMEOUT_MSEC } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, type CallToolResult, type Progress, type Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { ToolArgumentsError, ToolTimeoutError } from '../tools/errors.js';
import { invocationOptions } from '../tools/invocation-options.js';
import { argsFromToolCall, type NeedsApproval, type Tool, type ToolCall, type ToolInvocationOptions, type ToolProgressUpdate } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';
import { isUnauthorized } from './authorization.js';
import type { McpNeedsApproval } from './config.js';
import type { ConnectionRouter } from './connection-router.js';
import { isConnectionFailure, McpConnectionError, mcpErrorCode, McpToolCallError } from './errors.js';
import { isSchemaObject } from './json-schema.js';
import { toJsonSafe } from './json-safe.js';
import { afterPendingOutput } from './stderr-tail.js';
import { looseParameters, toToolParameters, type ToolParameters } from './strict-schema.js';
import { toolResultFromMcp, type McpToolResultMetadata } from './tool-result.js';
import { dropUnsetNulls } from './unset-nulls.js';

/** A tool object (`Tool` of the core entry) backed by an MCP server's tool. */
export interface McpTool<C = any> extends Tool<C> {
  /** The tool's name on the server (what `tools/call` sends), which may differ from `schema.function.name`. */
  readonly mcpName: string;
  /** The tool's definition as the server listed it. */
  readonly definition: McpToolDefinition;
  /** Why the schema could not be offered in strict mode, when `schema.function.strict` is false. */
  readonly notStrictBecause: string | undefined;
  /** Who provides the tool, e.g. `mcp server "fs"`. */
  readonly owner: string;
  /**
   * Runs the call on the server; always resolves to a {@link ToolResult} with {@link McpToolResultMetadata}.
   * `options` may be left out (the seed's two-argument call): the call then cannot be cancelled.
   */
  readonly invoke: (toolCall: ToolCall, context: C, options?: ToolInvocationOptions) => Promise<ToolResult<McpToolResultMetadata>>;
}

/** How the tools of one server call it. */
export interface McpToolSettings {
  readonly connections: ConnectionRouter;
  readonly owner: string;
  readonly meta: Record<string, unknown> | undefined;
  readonly forwardContext: boolean;
  readonly timeout: number | undefined;
  readonly resetTimeoutOnProgress: boolean;
  readonly maxTotalTimeout: number | undefined;
  readonly strict: boolean;
  readonly needsApproval: McpNeedsApproval | undefined;
}

/** Builds the tool the model sees for one MCP tool definition, named `exposedName`. */
export function createMcpTool<C>(definition: McpToolDefinition, exposedName: string, settings: McpToolSettings): McpTool<C> {
  const converted: ToolParameters = settings.strict
    ? toToolParameters(definition.inputSchema)
    : { parameters: looseParameters(definition.inputSchema), strict: false, notStrictBecause: 'the server was configured with strict: false' };
  const description = definition.description ?? definition.title ?? definition.annotations?.title;
  const schema: ChatCompletionFunctionTool = {
    type: 'function',
    function: {
      name: exposedName,
      ...(description ? { description } : {}),
      parameters: converted.parameters,
      strict: converted.strict,
    },
  };
  return {
    schema,
    owner: settings.owner,
    needsApproval: approvalFor(definition.name, settings.needsApproval),
    mcpName: definition.name,
    definition,
    notStrictBecause: converted.strict ? undefined : converted.notStrictBecause,
    invoke: (toolCall, context, options) => runOnServer(definition, exposedName, settings, toolCall, context, invocationOptions(options)),
  };
}

/** The tool-level `needsApproval` of one server tool, from the toolset's setting. */
function approvalFor(mcpName: string, setting: McpNeedsApproval | undefined): NeedsApproval | undefined {
  if (setting === undefined || typeof setting === 'boolean') return setting;
  if (typeof setting === 'function') return (args, context) => setting(mcpName, args, context);
  return setting.includes(mcpName);
}

async function runOnServer(
  definition: McpToolDefinition,
  exposedName: string,
  settings: McpToolSettings,
  toolCall: ToolCall,
  context: unknown,
  options: ToolInvocationOptions | undefined,
): Promise<ToolResult<McpToolResultMetadata>> {
  const signal = options?.signal;
  const parsed = argsFromToolCall(toolCall);
  if (!isSchemaObject(parsed)) {
    throw new ToolArgumentsError(exposedName, [{ path: '', message: `must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}` }]);
  }
  const args = dropUnsetNulls(parsed, definition.inputSchema);
  const meta = requestMeta(settings, context);
  const connection = await settings.connections.connectionFor(context);
  const timeout = settings.timeout ?? DEFAULT_REQUEST_TIMEOUT_MSEC;
  const progress = progressReporter(options?.reportProgress);
  let result: CallToolResult;
  try {
    result = (await connection.run(
      (client) =>
        client.callTool({ name: definition.name, arguments: args, ...(meta ? { _meta: meta } : {}) }, undefined, {
          ...(signal ? { signal } : {}),
          timeout,
          // Progress is asked for when the call can report it (always inside a run); it also restarts the timeout.
          ...(progress ? { onprogress: progress.onProgress, resetTimeoutOnProgress: settings.resetTimeoutOnProgress } : {}),
          ...(settings.maxTotalTimeout ? { maxTotalTimeout: settings.maxTotalTimeout } : {}),
        }),
      { signal, scope: { context, log: progress?.onLog } },
    )) as CallToolResult;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // Closed toolset, or reconnecting failed: already says what happened.
    if (error instanceof McpConnectionError) throw error;
    if (mcpErrorCode(error) === ErrorCode.RequestTimeout) throw new ToolTimeoutError(exposedName, timeoutOf(error, timeout));
    if (isUnauthorized(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    if (isConnectionFailure(error)) {
      await afterPendingOutput();
      throw new McpToolCallError(
        `The connection to ${settings.owner} broke during the call of tool "${definition.name}" (the server may have crashed or restarted): ${reason}`,
        { server: settings.owner, tool: definition.name, connectionLost: true, stderr: connection.stderr, cause: error },
      );
    }
    throw new McpToolCallError(`${settings.owner} could not run tool "${definition.name}": ${reason}`, {
      server: settings.owner,
      tool: definition.name,
      connectionLost: false,
      cause: error,
    });
  }
  return toolResultFromMcp(result, { server: settings.owner, tool: definition.name });
}

/**
 * Turns a call's progress notifications, and the log notifications the server sends during it,
 * into progress reports (a log line keeps the last progress and total, with its text as message).
 */
function progressReporter(
  report: ToolInvocationOptions['reportProgress'],
): { onProgress: (progress: Progress) => void; onLog: (text: string) => void } | undefined {
  if (!report) return undefined;
  let last: ToolProgressUpdate = { progress: 0 };
  return {
    onProgress: ({ progress, total, message }) => {
      last = { progress, ...(total === undefined ? {} : { total }) };
      report({ ...last, ...(message === undefined ? {} : { message }) });
    },
    onLog: (text) => report({ ...last, message: text }),
  };
}

/** The limit a timed-out call exceeded: `maxTotalTimeout` when the SDK says so, else the per-call timeout. */
function timeoutOf(error: unknown, timeout: number): number {
  const data = (error as { data?: { maxTotalTimeout?: unknown } }).data;
  return typeof data?.maxTotalTimeout === 'number' ? data.maxTotalTimeout : timeout;
}

/** `_meta` of a call: the static entries, then the run's context (JSON-safe) unless forwarding is off. */
function requestMeta(settings: McpToolSettings, context: unknown): Record<string, unknown> | undefined {
  const meta: Record<string, unknown> = { ...settings.meta };
  if (settings.forwardContext && context !== undefined) {
    const safe = toJsonSafe(context);
    if (safe !== undefined) meta['context'] = safe;
  }
  return Object.keys(meta).length > 0 ? meta : undefined;
}
