/**
 * Which run an event belongs to; the second argument of every hook. One handler instance may serve
 * concurrent runs (an `Agent` is shared), so use this rather than fields on the handler.
 */
export interface RunInfo<C = any> {
  /** Unique per run. */
  readonly runId: string;
  /** Zero-based index of the current model request. */
  readonly iteration: number;
  /** The run's `context`, as passed to `run()` / `streamUntilUserInput()`. */
  readonly context: C;
  /** The run's abort signal (aborted when the run is aborted or ends early). */
  readonly signal: AbortSignal;
}
