import { RunError, errorMessage } from '../run/errors.js';
import { brandError } from '../errors/chat-cmpl-error.js';

/** A hook threw or rejected; the run fails with this error. `cause` is what the hook threw. */
export class HookError extends RunError {
  static {
    brandError(this, 'HookError');
  }
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
