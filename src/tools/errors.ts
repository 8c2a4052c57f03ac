import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';
/** One problem with a tool call's arguments: where (a field path such as `items[2].qty`) and what. */
export interface ArgumentIssue {
  /** Field path, `''` for the arguments as a whole. */
  readonly path: string;
  /** What is wrong, e.g. `must be one of: c, f`. */
  readonly message: string;
}

/**
 * A tool call's arguments are not valid JSON or fail validation. The message names every failing
 * field so the model can correct the call; under `onToolError: 'emit'` it is exactly what the model
 * receives.
 */
export class ToolArgumentsError extends ChatCmplError {
  static {
    brandError(this, 'ToolArgumentsError');
  }
  constructor(
    /** The tool whose arguments were rejected. */
    readonly toolName: string,
    /** Every problem found. */
    readonly issues: readonly ArgumentIssue[],
    options?: { cause?: unknown },
  ) {
    super(formatArgumentIssues(toolName, issues), options);
  }
}

function formatArgumentIssues(toolName: string, issues: readonly ArgumentIssue[]): string {
  return `Invalid arguments for tool "${toolName}":\n${issueLines(issues, '(arguments)')}\nFix the arguments and call the tool again.`;
}

/** One `- path: message` line per issue; `whole` names the value itself (empty path). */
export function issueLines(issues: readonly ArgumentIssue[], whole: string): string {
  return issues.map((issue) => `- ${issue.path === '' ? whole : issue.path}: ${issue.message}`).join('\n');
}

/** A tool call ran longer than its `timeout`. */
export class ToolTimeoutError extends ChatCmplError {
  static {
    brandError(this, 'ToolTimeoutError');
  }
  constructor(
    /** The tool's name as offered to the model (`@Toolset` prefix included). */
    readonly toolName: string,
    /** The tool's `timeout` that elapsed, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`Tool "${toolName}" timed out after ${timeoutMs} ms.`);
  }
}

/** The model called a tool nobody can invoke (and no `fallbackInvoker` took it). */
export class UnknownToolError extends ChatCmplError {
  static {
    brandError(this, 'UnknownToolError');
  }
  constructor(
    /** The name the model called. */
    readonly toolName: string,
    /** The tools that do exist, as offered to the model. */
    readonly availableTools: readonly string[],
  ) {
    super(
      `Unknown tool "${toolName}". ` +
        (availableTools.length > 0 ? `Available tools: ${availableTools.join(', ')}.` : 'No tools are available.'),
    );
  }
}

/**
 * The tools passed to a run do not fit together: a schema without an invoker, two tools with one
 * name, a malformed tool object. Raised before any request is sent.
 */
export class ToolConfigurationError extends ChatCmplError {
  static {
    brandError(this, 'ToolConfigurationError');
  }
}
