import { brandError } from '../errors/chat-cmpl-error.js';
import { RunStateError } from '../run/errors.js';

/** Why {@link ChatRuns.resume} refused decisions; each has its HTTP status (see {@link RunDecisionError.status}). */
export type RunDecisionErrorCode =
  /** 400: the decisions are malformed, name a call that does not wait, or decide one call twice. */
  | 'invalid_decisions'
  /** 403: the run belongs to another user. */
  | 'forbidden'
  /** 404: no run of that id waits (never paused, or expired). */
  | 'unknown_run'
  /** 409: the call was decided by an earlier request. */
  | 'already_decided'
  /** 409: another request decided the run and resumed it (still running). */
  | 'already_resumed'
  /** 409: the run is finished, or failed after it was resumed. */
  | 'run_ended'
  /** 409: the stored state cannot be resumed by this server (another format version, or changed since it was signed). */
  | 'state_unusable';

const STATUS: Record<RunDecisionErrorCode, 400 | 403 | 404 | 409> = {
  invalid_decisions: 400,
  forbidden: 403,
  unknown_run: 404,
  already_decided: 409,
  already_resumed: 409,
  run_ended: 409,
  state_unusable: 409,
};

/**
 * Decisions for a stored run that {@link ChatRuns.resume} refused. Nothing changed: the run still
 * waits as it did. `code` says why and `status` is the HTTP status to answer with;
 * {@link RunStateErrorFilter} does that.
 */
export class RunDecisionError extends RunStateError {
  static {
    brandError(this, 'RunDecisionError');
  }

  /** The HTTP status for this refusal: 400, 403, 404 or 409. */
  readonly status: 400 | 403 | 404 | 409;

  constructor(
    /** Why the decisions were refused. */
    readonly code: RunDecisionErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = STATUS[code];
  }
}
