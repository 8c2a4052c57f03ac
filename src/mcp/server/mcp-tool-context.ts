import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra, RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CreateMessageRequestParams,
  CreateMessageRequestParamsBase,
  CreateMessageResult,
  CreateMessageResultWithTools,
  ElicitRequestFormParams,
  ElicitRequestURLParams,
  ElicitResult,
  LoggingLevel,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext } from '../../tools/decorators/tool-context.js';
import type { ToolCall } from '../../tools/tool.js';
import { isLoggingLevel, type LogLevels } from './log-levels.js';

/** The MCP SDK's per-request extras: `authInfo`, `_meta`, `sessionId`, `requestId`, `requestInfo` (HTTP headers), `signal`, ... */
export type McpServerRequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The `ToolContext` of a `@Tool` method called through an MCP server (`createMcpServer`,
 * `mcpHttpHandler`): the usual fields plus the client's side of MCP. Declare a method's second
 * parameter with it (`ctx: McpToolContext<Caller>`) when the tool is meant for MCP clients; a tool
 * also run by an agent can test with {@link isMcpToolContext}.
 *
 * @typeParam C - the type of `context`: what the server's `context` option makes of the request
 *   (by default an {@link McpCaller}).
 */
export interface McpToolContext<C = McpCaller> extends ToolContext<C> {
  /**
   * Sends `notifications/progress` for this call when the client asked for progress (sent a
   * `progressToken`); otherwise does nothing. Reports after the call settled are dropped.
   */
  readonly reportProgress: (progress: number, total?: number, message?: string) => void;
  /**
   * Sends a log message (`notifications/message`) to the client, with this call's response, when
   * its level is at or above the level the client set with `logging/setLevel` (all levels until it
   * sets one). Messages logged after the call settled are dropped.
   */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /**
   * Asks the client's model for a completion (`sampling/createMessage`), as part of this call.
   * Rejects when the client does not support sampling (the SDK's error says so). `options` are the
   * SDK's request options (`timeout`, default 60 s; ...); the call's signal cancels the request.
   */
  createMessage(params: CreateMessageRequestParamsBase, options?: RequestOptions): Promise<CreateMessageResult>;
  createMessage(params: CreateMessageRequestParams, options?: RequestOptions): Promise<CreateMessageResult | CreateMessageResultWithTools>;
  /**
   * Asks the client's user for input (`elicitation/create`), as part of this call: a form
   * (`{ message, requestedSchema }`) or a URL to open. Rejects when the client does not support
   * that kind of elicitation; an accepted form answer is checked against `requestedSchema`.
   */
  elicitInput(params: ElicitRequestFormParams | ElicitRequestURLParams, options?: RequestOptions): Promise<ElicitResult>;
  /** The MCP request itself, as the SDK gives it to request handlers (`authInfo`, `_meta`, `sessionId`, `closeSSEStream`, ...). */
  readonly mcp: McpServerRequestExtra;
}

/**
 * The default `context` of a call served over MCP: who is calling, as the request tells it.
 * Map it to your own context type with the server's `context` option.
 */
export interface McpCaller {
  /** The validated access token (set by auth middleware as `req.auth`, e.g. the SDK's `requireBearerAuth`), if any. */
  readonly authInfo: McpServerRequestExtra['authInfo'];
  /** The request's `_meta` (an agent using McpToolset sends its run context as `_meta.context`: trust it only from trusted clients). */
  readonly meta: McpServerRequestExtra['_meta'];
  /** The Streamable HTTP session, if any. */
  readonly sessionId: string | undefined;
}

/** True when the tool runs under MCP, so `ctx` has `log`, `createMessage`, `elicitInput` and `mcp`. */
export function isMcpToolContext<C>(ctx: ToolContext<C>): ctx is McpToolContext<C> {
  return typeof (ctx as Partial<McpToolContext<C>>).elicitInput === 'function' && typeof (ctx as Partial<McpToolContext<C>>).mcp === 'object';
}

/** What {@link mcpToolContext} needs besides the request. */
export interface McpCallScope<C> {
  readonly server: McpServer;
  readonly logLevels: LogLevels;
  readonly context: C;
  readonly toolCall: ToolCall;
  /** The call's signal (aborted by the client's cancellation, the tool's timeout or the connection closing). */
  readonly signal: AbortSignal;
  /** True once the call settled: later progress reports are dropped. */
  readonly settled: () => boolean;
}

/** The `McpToolContext` of one `tools/call`. */
export function mcpToolContext<C>(extra: McpServerRequestExtra, scope: McpCallScope<C>): McpToolContext<C> {
  const progressToken = extra._meta?.progressToken;
  const related = (options?: RequestOptions): RequestOptions => ({ signal: scope.signal, ...options, relatedRequestId: extra.requestId });
  const createMessage = async (params: CreateMessageRequestParams, options?: RequestOptions) => {
    // Without this check the SDK sends the request anyway and the client answers "Method not found".
    if (!scope.server.server.getClientCapabilities()?.sampling) {
      throw new Error('The client did not declare the sampling capability: it cannot answer ctx.createMessage. Offer the tool only to clients that sample, or do without.');
    }
    return scope.server.server.createMessage(params, related(options));
  };
  return {
    context: scope.context,
    toolCall: scope.toolCall,
    signal: scope.signal,
    iteration: 0,
    reportProgress(progress, total, message) {
      if (progressToken === undefined || scope.settled()) return;
      const params = { progressToken, progress, ...(total === undefined ? {} : { total }), ...(message === undefined ? {} : { message }) };
      extra.sendNotification({ method: 'notifications/progress', params }).catch(() => {});
    },
    async log(level, data, logger) {
      if (!isLoggingLevel(level)) throw new TypeError(`ctx.log: level must be one of debug, info, notice, warning, error, critical, alert, emergency; got ${JSON.stringify(level)}.`);
      if (scope.settled() || !scope.logLevels.wants(level, extra)) return;
      await extra.sendNotification({ method: 'notifications/message', params: { level, data, ...(logger === undefined ? {} : { logger }) } });
    },
    createMessage: createMessage as McpToolContext<C>['createMessage'],
    elicitInput: (params, options) => scope.server.server.elicitInput(params, related(options)),
    mcp: extra,
  };
}
