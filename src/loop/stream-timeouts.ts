import { brandError } from '../errors/chat-cmpl-error.js';
import { RunError } from '../run/errors.js';

/**
 * Client-side limits on the stream of one model request, in milliseconds, measured for each attempt
 * separately. When one fires, the request is aborted (its HTTP connection closed) and the attempt
 * fails with {@link StreamTimeoutError}, which `retry` sends again.
 */
export interface StreamTimeouts {
  /**
   * Longest wait from sending the request until its first chunk arrives (connection, response headers
   * and the provider's time to first token included). Reasoning models can think for minutes before
   * their first chunk: leave room for that.
   */
  firstChunkMs?: number;
  /**
   * Longest silence between two chunks once the stream has started. Only the time spent waiting for
   * the provider counts: while your hooks hold the stream (backpressure), the clock does not run.
   */
  idleMs?: number;
  /** Longest time one attempt may take, from sending the request until its answer is complete (hooks included). */
  totalMs?: number;
}

/** Which of the {@link StreamTimeouts} fired. */
export type StreamTimeoutKind = 'first-chunk' | 'idle' | 'total';

/** The option each kind comes from, for messages. */
const OPTION_OF: Readonly<Record<StreamTimeoutKind, keyof StreamTimeouts>> = { 'first-chunk': 'firstChunkMs', idle: 'idleMs', total: 'totalMs' };

/**
 * A model stream went silent or took too long (see {@link StreamTimeouts}); the request was aborted.
 * With `retry` the request is sent again; once retries and `fallbackModels` are used up, the run
 * fails with this error.
 */
export class StreamTimeoutError extends RunError {
  static {
    brandError(this, 'StreamTimeoutError');
  }
  constructor(
    /** `'first-chunk'`: nothing arrived after the request; `'idle'`: the stream stalled; `'total'`: the attempt ran out of time. */
    readonly kind: StreamTimeoutKind,
    /** The limit that was exceeded, in milliseconds. */
    readonly timeoutMs: number,
    /** The model the request was sent to. */
    readonly model: string,
  ) {
    super(`${describeTimeout(kind, timeoutMs, model)} (streamTimeouts.${OPTION_OF[kind]}); the request was aborted. Raise the limit, or set retry to send the request again.`);
  }
}

function describeTimeout(kind: StreamTimeoutKind, ms: number, model: string): string {
  if (kind === 'first-chunk') return `Model "${model}" sent no chunk within ${ms} ms of the request`;
  if (kind === 'idle') return `The stream of model "${model}" stalled: no chunk for ${ms} ms`;
  return `The answer of model "${model}" took longer than ${ms} ms`;
}

/** Timers can run up to 2^31-1 ms; beyond it Node fires them at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * The clocks of one attempt. The turn calls {@link start} when it sends the request and
 * {@link waiting} / {@link arrived} around each read of the raw stream; when a limit is exceeded,
 * `trip` gets the error (once) and aborts the request.
 *
 * The idle clock is one timer for the whole stream rather than one per chunk: when it fires, it
 * checks how long the current read has been waiting and re-arms for the rest.
 */
export class StreamWatchdog {
  private firstChunkTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private totalTimer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` when the pending read began; -1 while no read is pending. */
  private waitingSince = -1;
  private streaming = false;
  /** Set once the first chunk arrived and `idleMs` is given: only then is each read timed. */
  private timingReads = false;
  private stopped = false;

  constructor(
    private readonly limits: StreamTimeouts,
    private readonly model: string,
    private readonly trip: (error: StreamTimeoutError) => void,
  ) {}

  /** The request is being sent: the first-chunk and total clocks start. */
  start(): void {
    const { firstChunkMs, totalMs } = this.limits;
    if (firstChunkMs !== undefined) this.firstChunkTimer = setTimeout(() => this.fire('first-chunk', firstChunkMs), firstChunkMs);
    if (totalMs !== undefined) this.totalTimer = setTimeout(() => this.fire('total', totalMs), totalMs);
  }

  /** A read of the raw stream begins. */
  waiting(): void {
    if (this.timingReads) this.waitingSince = performance.now();
  }

  /** A read of the raw stream returned (a chunk, or the end). */
  arrived(): void {
    this.waitingSince = -1;
    if (this.streaming || this.stopped) return;
    this.streaming = true;
    clearTimeout(this.firstChunkTimer);
    const { idleMs } = this.limits;
    if (idleMs === undefined) return;
    this.timingReads = true;
    this.idleTimer = setTimeout(this.checkIdle, idleMs);
  }

  /** The attempt is over: no clock fires any more. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.firstChunkTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.totalTimer);
  }

  private readonly checkIdle = (): void => {
    const idleMs = this.limits.idleMs!;
    if (this.stopped) return;
    const waited = this.waitingSince < 0 ? 0 : performance.now() - this.waitingSince;
    // A timer may fire a fraction of a millisecond early against performance.now().
    if (waited >= idleMs - 1) this.fire('idle', idleMs);
    else this.idleTimer = setTimeout(this.checkIdle, idleMs - waited);
  };

  private fire(kind: StreamTimeoutKind, ms: number): void {
    if (this.stopped) return;
    this.stop();
    this.trip(new StreamTimeoutError(kind, ms, this.model));
  }
}
