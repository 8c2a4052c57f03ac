import { ERROR_TYPE_OTHER } from './semconv.js';

/**
 * `error.type` of a failure: a low-cardinality name of what was thrown. The error's class name
 * (`RateLimitError`, `APIConnectionTimeoutError`, `RunAbortedError`, `ToolTimeoutError`,
 * `UnknownToolError`, ...), its `name` when the class says nothing (`AbortError` and `TimeoutError`
 * of a `DOMException`, a plain `Error` given a name), else `_OTHER`.
 */
export function errorType(error: unknown): string {
  if (typeof error !== 'object' || error === null) return ERROR_TYPE_OTHER;
  const className: unknown = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof className === 'string' && className !== '' && !GENERIC_CLASSES.has(className)) return className;
  const name: unknown = (error as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : ERROR_TYPE_OTHER;
}

/** `error.type` of work cut short because the run was aborted (the class of the error the run fails with). */
export const RUN_ABORTED_ERROR_TYPE = 'RunAbortedError';

const GENERIC_CLASSES = new Set(['Error', 'DOMException', 'Object']);
