import { attachMessages, RunAbortedError } from '../run/errors.js';
import type { RunFailedEvent } from '../run/lifecycle-events.js';
import type { Run } from './run.js';

/**
 * Ends a failed run: aborts what still runs, records the messages so far on the error, lets the
 * `onRunFailed` hooks and the sink know. A failing `onRunFailed` hook does not replace the run's
 * error: it is kept beside it as `error.suppressed`.
 *
 * @returns the error the run ends with (the abort reason wrapped in `RunAbortedError` once aborted).
 */
export async function failRun(run: Run<any, any>, thrown: unknown): Promise<unknown> {
  const error = run.signal.aborted ? asAbortError(thrown, run.signal.reason) : thrown;
  run.abort(error);
  const messages = run.messages.slice();
  attachMessages(error, messages);
  const failed: RunFailedEvent = { type: 'run.failed', error, messages };
  const hookError = await run.deliverLast(failed);
  if (hookError !== undefined && typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, 'suppressed', { value: hookError, configurable: true, enumerable: false });
  }
  return error;
}

function asAbortError(thrown: unknown, reason: unknown): unknown {
  if (thrown instanceof RunAbortedError) return thrown;
  return reason instanceof RunAbortedError ? reason : new RunAbortedError(reason);
}
