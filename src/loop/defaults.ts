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
