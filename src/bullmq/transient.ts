/** Errors of a model request that another try may not meet: the connection, a timeout, an overloaded provider. */
const TRANSIENT_CLASSES = new Set(['APIConnectionError', 'APIConnectionTimeoutError', 'InternalServerError', 'StreamTimeoutError']);

/**
 * Whether a run that failed with `error` should be tried again (from its last checkpoint) while its
 * job has attempts left: the model request could not connect or timed out, or the provider answered
 * 408, 409, 429 (except `insufficient_quota`, which waiting does not fix) or 5xx. Everything else
 * (a 400, a tool that failed under `onToolError: 'raise'`, `MaxIterationsReached`, a hook's error)
 * fails the run at once. The default of `AgentWorker`'s `retryable`.
 */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT_CLASSES.has(error.name) || TRANSIENT_CLASSES.has(error.constructor?.name ?? '')) return true;
  const { status, code } = error as { status?: unknown; code?: unknown };
  if (typeof status !== 'number') return false;
  if (status === 429) return code !== 'insufficient_quota';
  return status === 408 || status === 409 || status >= 500;
}
