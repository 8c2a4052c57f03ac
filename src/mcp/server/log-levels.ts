import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { LoggingLevelSchema, SetLevelRequestSchema, type LoggingLevel, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';

const SEVERITY: ReadonlyMap<LoggingLevel, number> = new Map(LoggingLevelSchema.options.map((level, index) => [level, index]));

/**
 * The logging level each client set with `logging/setLevel`, so `ctx.log` sends only what the
 * client asked for (everything until it sets one). The SDK's `Server` keeps the same map privately
 * for its `sendLoggingMessage`; `ctx.log` instead sends on the call's own response stream, so this
 * one replaces the SDK's `logging/setLevel` handler.
 */
export class LogLevels {
  private readonly levels = new Map<string | undefined, LoggingLevel>();

  /** Answers `logging/setLevel` on `server` from now on. */
  install(server: McpServer): void {
    server.server.setRequestHandler(SetLevelRequestSchema, async (request, extra) => {
      const parsed = LoggingLevelSchema.safeParse(request.params.level);
      if (parsed.success) this.levels.set(sessionOf(extra), parsed.data);
      return {};
    });
  }

  /** True when the client of this request wants messages of `level`. */
  wants(level: LoggingLevel, extra: RequestHandlerExtra<ServerRequest, ServerNotification>): boolean {
    const threshold = this.levels.get(sessionOf(extra));
    return threshold === undefined || SEVERITY.get(level)! >= SEVERITY.get(threshold)!;
  }
}

function sessionOf(extra: RequestHandlerExtra<ServerRequest, ServerNotification>): string | undefined {
  const header = extra.requestInfo?.headers['mcp-session-id'];
  return extra.sessionId ?? (typeof header === 'string' ? header : undefined);
}

/** True for one of MCP's logging levels (`debug` ... `emergency`). */
export function isLoggingLevel(value: unknown): value is LoggingLevel {
  return SEVERITY.has(value as LoggingLevel);
}
