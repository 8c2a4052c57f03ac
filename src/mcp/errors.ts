import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';
/**
 * An MCP server config is malformed (e.g. neither `url`, `command` nor `client`, or `headers` on a
 * stdio server). Raised by `McpToolset.connect` before anything is started.
 */
export class McpConfigurationError extends ChatCmplError {
  static {
    brandError(this, 'McpConfigurationError');
  }
}

/** One endpoint tried while connecting to a URL server, and why it failed. */
export interface McpConnectionAttempt {
  /** `'streamable-http'` or `'sse'`. */
  readonly transport: string;
  /** The URL tried. */
  readonly url: string;
  /** Why it failed. */
  readonly error: string;
}

/**
 * Connecting (or reconnecting) to an MCP server failed. For URL servers `attempts` lists every
 * endpoint tried; for stdio servers `stderr` holds the last lines the process wrote.
 */
export class McpConnectionError extends ChatCmplError {
  static {
    brandError(this, 'McpConnectionError');
  }
  /** The server, as named in error messages (`mcp server "fs"`). */
  readonly server: string;
  /** Every endpoint tried (URL servers only). */
  readonly attempts: readonly McpConnectionAttempt[];
  /** The last lines the server process wrote to stderr (stdio servers only). */
  readonly stderr: string | undefined;

  constructor(
    message: string,
    details: { server: string; attempts?: readonly McpConnectionAttempt[]; stderr?: string | undefined; cause?: unknown },
  ) {
    super(withStderr(message, details.stderr), { cause: details.cause });
    this.server = details.server;
    this.attempts = details.attempts ?? [];
    this.stderr = details.stderr;
  }
}

/**
 * A `tools/call` produced no tool result: the server answered with a protocol error (unknown tool,
 * invalid params, ...) or the connection broke during the call (`connectionLost`). A tool that
 * reports its own failure (`isError: true`) does not raise this: its text goes to the model.
 */
export class McpToolCallError extends ChatCmplError {
  static {
    brandError(this, 'McpToolCallError');
  }
  /** The server, as named in error messages. */
  readonly server: string;
  /** The tool's name on the server (not the name the model saw). */
  readonly tool: string;
  /** True when the connection closed or failed during the call; the next call reconnects. */
  readonly connectionLost: boolean;
  /** The last lines the server process wrote to stderr (stdio servers only). */
  readonly stderr: string | undefined;

  constructor(
    message: string,
    details: { server: string; tool: string; connectionLost: boolean; stderr?: string | undefined; cause?: unknown },
  ) {
    super(withStderr(message, details.stderr), { cause: details.cause });
    this.server = details.server;
    this.tool = details.tool;
    this.connectionLost = details.connectionLost;
    this.stderr = details.stderr;
  }
}

function withStderr(message: string, stderr: string | undefined): string {
  return stderr ? `${message}\nLast stderr output of the server:\n${stderr}` : message;
}

const CONNECTION_CLOSED = -32000;

/** The JSON-RPC error code of an MCP SDK `McpError` (also one from another copy of the SDK), else `undefined`. */
export function mcpErrorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && error.name === 'McpError' && typeof code === 'number' ? code : undefined;
}

/**
 * True when a request failed because the connection did (closed, network error, HTTP session
 * gone) rather than because the server answered with a JSON-RPC error.
 */
export function isConnectionFailure(error: unknown): boolean {
  const code = mcpErrorCode(error);
  return code === undefined || code === CONNECTION_CLOSED;
}
