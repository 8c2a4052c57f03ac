import type { ToolErrorPolicy } from './options.js';

/** Most model requests in one run when `maxIterations` is not given. */
export const DEFAULT_MAX_ITERATIONS = 10;

/** What a failing tool call does when `onToolError` is not given: the model is told and the loop goes on. */
export const DEFAULT_TOOL_ERROR_POLICY: ToolErrorPolicy = 'emit';

/**
 * Lifecycle events `streamUntilUserInputEvents` buffers before the run waits for its reader: a few
 * events of slack keep the engine from waiting on the consumer at every single chunk.
 */
export const EVENT_BUFFER_SIZE = 64;

/**
 * The Nth call in a row of one tool with identical arguments that is refused when
 * `repeatedCallLimit` is not given (so the third identical call in a row is refused).
 */
export const DEFAULT_REPEATED_CALL_LIMIT = 3;

/** Retries of a failed model request (tries after the first) when `retry` is given without `attempts`. */
export const DEFAULT_RETRY_ATTEMPTS = 2;

/** Wait before the first retry when `retry` is given without `backoffMs`; each further retry of a model waits twice as long. */
export const DEFAULT_RETRY_BACKOFF_MS = 500;

/** Longest wait between retries, whatever the backoff doubling reaches. */
export const MAX_RETRY_BACKOFF_MS = 30_000;

/**
 * Longest `retry-after` / `retry-after-ms` the engine waits for. A provider that asks for more is not
 * retried: the next of `fallbackModels` serves the request, or the run fails with the provider's error.
 */
export const MAX_RETRY_AFTER_MS = 60_000;
