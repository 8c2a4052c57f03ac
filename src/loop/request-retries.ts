import type { ChatCompletion } from 'openai/resources/chat/completions';
import { MAX_RETRY_AFTER_MS, MAX_RETRY_BACKOFF_MS } from './defaults.js';
import type { ModelRequestOptions } from './openai-sdk.js';
import { isRetryableRequestError, retryAfterMs } from './retryable-errors.js';
import type { Run } from './run.js';
import type { StreamTimeouts } from './stream-timeouts.js';

/** How a failed model request is sent again (the `retry` run option). */
export interface RetryOptions {
  /**
   * Tries after the first, for each model (the run's, then each of `fallbackModels`).
   * @defaultValue {@link DEFAULT_RETRY_ATTEMPTS} (2)
   */
  attempts?: number;
  /**
   * Wait before the first retry, in milliseconds; each further retry of the same model waits twice as
   * long (up to `MAX_RETRY_BACKOFF_MS`), less up to a quarter at random so clients do not retry in step.
   * A `retry-after` / `retry-after-ms` header of the failed response replaces it.
   * @defaultValue {@link DEFAULT_RETRY_BACKOFF_MS} (500)
   */
  backoffMs?: number;
}

/** How the model requests of a run are made resilient; absent when no `retry`, `streamTimeouts` or `fallbackModels` is set. */
export interface RequestResilience {
  /** Retries of each model (0 without `retry`). */
  readonly attempts: number;
  readonly backoffMs: number;
  readonly timeouts: StreamTimeouts | undefined;
  /** Models tried, in order, once the retries of the previous one are used up. */
  readonly fallbackModels: readonly string[];
  /** The client's per-request options: with `retry` the SDK's own retries are off unless `requestOptions.maxRetries` says otherwise. */
  readonly requestOptions: ModelRequestOptions | undefined;
}

/** The answer to one model request, and the model that gave it. */
export interface ModelAnswer {
  readonly completion: ChatCompletion;
  /** The model the answering request was sent to (the run's, prepareStep's choice, or a fallback). */
  readonly model: string;
}

/**
 * Sends a request through `send` until an attempt succeeds: a retryable failure (see
 * {@link isRetryableRequestError}) is announced with `stream.retry` and sent again after the backoff
 * or the provider's `retry-after`, to the same model while it has retries left, then to the next
 * fallback model. Each attempt is a fresh stream, so nothing of a failed one reaches the answer.
 *
 * @throws the last attempt's error; the first error that is not retryable; the abort reason as soon as
 *   the run is aborted (also while waiting).
 */
export async function withRetries(
  run: Run<any, any>,
  iteration: number,
  model: string,
  policy: RequestResilience,
  send: (model: string) => Promise<ChatCompletion>,
): Promise<ModelAnswer> {
  const models = [model, ...policy.fallbackModels.filter((fallback) => fallback !== model)];
  let resent = 0;
  for (let index = 0, tries = 0; ; tries++) {
    const current = models[index]!;
    try {
      return { completion: await send(current), model: current };
    } catch (error) {
      if (run.signal.aborted || !isRetryableRequestError(error)) throw error;
      const asked = retryAfterMs(error);
      // A provider that wants us gone for longer than we wait is not asked again: the next model is.
      const sameModel = tries < policy.attempts && (asked === undefined || asked <= MAX_RETRY_AFTER_MS);
      if (!sameModel && index + 1 >= models.length) throw error;
      if (!sameModel) {
        index++;
        tries = -1;
      }
      const delayMs = sameModel ? (asked ?? backoff(policy.backoffMs, tries)) : 0;
      await run.deliver({ type: 'stream.retry', iteration, attempt: ++resent, error, model: models[index]!, delayMs });
      await wait(delayMs, run.signal);
    }
  }
}

/** Backoff before retry number `tries + 1` of one model. */
function backoff(baseMs: number, tries: number): number {
  return Math.min(baseMs * 2 ** tries, MAX_RETRY_BACKOFF_MS) * (1 - Math.random() * 0.25);
}

/** Waits `ms`, or rejects with the abort reason as soon as `signal` aborts (the timer is cleared). */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
