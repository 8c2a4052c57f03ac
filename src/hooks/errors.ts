import { RunError, errorMessage } from '../run/errors.js';

/** A hook threw or rejected; the run fails with this error. `cause` is what the hook threw. */
export class HookError extends RunError {
  /** Always `'HookError'`, for checks by name where `instanceof` fails (e.g. two copies of this package). */
  override readonly name = 'HookError';
  constructor(
    /** `Class.method` of the hook. */
    readonly hook: string,
    /** The event it was handling. */
    readonly eventType: string,
    cause: unknown,
  ) {
    super(`Hook ${hook} failed while handling "${eventType}": ${errorMessage(cause)}`, { cause });
  }
}
