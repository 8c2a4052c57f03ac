import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ToolCall } from '../tools/tool.js';
import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';

/** Base of the errors that end a run; `messages` holds everything produced before the failure. */
export class RunError extends ChatCmplError {
  static {
    brandError(this, 'RunError');
  }

  /** Input messages plus every assistant and tool message produced before the failure. */
  messages: ChatCompletionMessageParam[] = [];
}

/** The model kept calling tools for `maxIterations` requests. The tool results of the last request are in `messages`. */
export class MaxIterationsReached extends RunError {
  static {
    brandError(this, 'MaxIterationsReached');
  }
  constructor(
    /** The limit that was reached: the run's `maxIterations` (default 10). */
    readonly maxIterations: number,
  ) {
    super(
      `The model was still calling tools after ${maxIterations} requests (maxIterations). ` +
        'Raise maxIterations if the task needs more steps, or continue from error.messages.',
    );
  }
}

/**
 * The run was aborted through its `signal`; `cause` is the signal's reason. Its `name` is
 * `'AbortError'`, like the platform's abort errors, so generic `error.name === 'AbortError'` checks
 * treat an aborted run as an abort.
 */
export class RunAbortedError extends RunError {
  static {
    brandError(this, 'RunAbortedError', 'AbortError');
  }
  constructor(reason: unknown) {
    super(`The run was aborted${reason instanceof Error && reason.message ? `: ${reason.message}` : '.'}`, { cause: reason });
  }
}

/** A tool call failed under `onToolError: 'abort'`; `cause` is what the tool threw. */
export class ToolCallError extends RunError {
  static {
    brandError(this, 'ToolCallError');
  }
  constructor(
    /** The call that failed first (`function.name`, `id`, raw `function.arguments`). */
    readonly toolCall: ToolCall,
    cause: unknown,
  ) {
    super(`Tool "${toolCall.function.name}" (call ${toolCall.id}) failed: ${errorMessage(cause)}`, { cause });
  }
}

/** The model request failed in a way the OpenAI SDK does not describe (e.g. an empty stream). */
export class ModelResponseError extends RunError {
  static {
    brandError(this, 'ModelResponseError');
  }
}

const RUN_MESSAGES = 'messages';

/**
 * Records the run's messages on the error that ended it: our own errors get `messages` set; a foreign
 * error (what a tool threw under `'raise'`, an `APIError`) gets a non-enumerable `messages` property,
 * so `catch (e) { e.messages }` works for every failure.
 */
export function attachMessages(error: unknown, messages: ChatCompletionMessageParam[]): void {
  if (error instanceof RunError) {
    error.messages = messages;
  } else if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, RUN_MESSAGES, { value: messages, configurable: true, writable: true, enumerable: false });
  }
}

/** The text of an error for a message to the model: `message` for errors, the value for strings. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * A run state cannot be used as given: not a state, another format version, changed after it was
 * signed, a finished run, a decision for a call that does not wait, a second decision, or tools that
 * changed since the state was saved. Nothing is lost: the state is unchanged.
 */
export class RunStateError extends ChatCmplError {
  static {
    brandError(this, 'RunStateError');
  }
}

/** A person rejected the call (`state.reject(...)`): reported in `tool_call.failed`; the model got the rejection message. */
export class ToolCallRejectedError extends ChatCmplError {
  static {
    brandError(this, 'ToolCallRejectedError');
  }
  constructor(
    /** The call that was rejected. */
    readonly toolCall: ToolCall,
    /** What the model was told. */
    readonly reason: string,
  ) {
    super(`Tool "${toolCall.function.name}" (call ${toolCall.id}) was rejected: ${reason}`);
  }
}
