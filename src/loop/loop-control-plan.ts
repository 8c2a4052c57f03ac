import { DEFAULT_REPEATED_CALL_LIMIT, DEFAULT_RETRY_ATTEMPTS, DEFAULT_RETRY_BACKOFF_MS } from './defaults.js';
import type { RunSettings } from './options.js';
import type { RequestResilience } from './request-retries.js';
import type { StopCondition } from './stop-conditions.js';
import { MAX_TIMEOUT_MS, type StreamTimeouts } from './stream-timeouts.js';

/** The loop-control options of a run, checked, with their defaults filled in. */
export interface LoopControlPlan {
  /** Every stop condition (empty: the run ends when the model answers without tools). */
  readonly stopWhen: readonly StopCondition[];
  /** `Infinity` when the check is off. */
  readonly repeatedCallLimit: number;
  readonly maxToolOutputChars: number | undefined;
  /** Undefined when no `retry`, `streamTimeouts` or `fallbackModels` is set: requests take the plain path. */
  readonly resilience: RequestResilience | undefined;
}

const TIMEOUT_KEYS = ['firstChunkMs', 'idleMs', 'totalMs'] as const;
const RETRY_KEYS = ['attempts', 'backoffMs'] as const;

/** The plan of the options {@link loopControlProblems} found nothing wrong with. */
export function planLoopControl(options: RunSettings<any, any>): LoopControlPlan {
  const { stopWhen, retry, streamTimeouts, fallbackModels, requestOptions } = options;
  const resilient = retry !== undefined || streamTimeouts !== undefined || (fallbackModels !== undefined && fallbackModels.length > 0);
  return {
    stopWhen: stopWhen === undefined ? [] : Array.isArray(stopWhen) ? stopWhen : [stopWhen as StopCondition],
    repeatedCallLimit: options.repeatedCallLimit ?? DEFAULT_REPEATED_CALL_LIMIT,
    maxToolOutputChars: options.maxToolOutputChars,
    resilience: resilient
      ? {
          attempts: retry ? (retry.attempts ?? DEFAULT_RETRY_ATTEMPTS) : 0,
          backoffMs: retry?.backoffMs ?? DEFAULT_RETRY_BACKOFF_MS,
          timeouts: streamTimeouts,
          fallbackModels: fallbackModels ?? [],
          // Our retries count every try (and announce it); the SDK's own would multiply them unseen.
          requestOptions: retry ? { maxRetries: 0, ...requestOptions } : requestOptions,
        }
      : undefined,
  };
}

/** What is wrong with the loop-control options, one sentence each, in the style of the other option checks. */
export function loopControlProblems(options: RunSettings<any, any>): string[] {
  const problems: string[] = [];
  const { stopWhen, prepareStep, repeatedCallLimit, streamTimeouts, retry, fallbackModels, maxToolOutputChars } = options;
  if (stopWhen !== undefined && !(typeof stopWhen === 'function' || (Array.isArray(stopWhen) && stopWhen.every((c) => typeof c === 'function')))) {
    problems.push(`stopWhen must be a stop condition (stopAfterTool(name), stopAfterIterations(n) or a function of the step) or an array of them, got ${shown(stopWhen)}.`);
  }
  if (prepareStep !== undefined && typeof prepareStep !== 'function') {
    problems.push(`prepareStep must be a function ({ iteration, messages, context }) => changes, got ${shown(prepareStep)}.`);
  }
  if (repeatedCallLimit !== undefined && !(repeatedCallLimit === Number.POSITIVE_INFINITY || (Number.isInteger(repeatedCallLimit) && repeatedCallLimit >= 2))) {
    problems.push(`repeatedCallLimit must be an integer of at least 2, or Infinity to turn the check off, got ${shown(repeatedCallLimit)}.`);
  }
  if (streamTimeouts !== undefined) {
    if (!isPlainObject(streamTimeouts)) problems.push(`streamTimeouts must be an object { firstChunkMs?, idleMs?, totalMs? }, got ${shown(streamTimeouts)}.`);
    else {
      problems.push(...unknownKeys('streamTimeouts', streamTimeouts, TIMEOUT_KEYS));
      for (const key of TIMEOUT_KEYS) {
        const value = (streamTimeouts as StreamTimeouts)[key];
        if (value !== undefined && !(typeof value === 'number' && value > 0 && value <= MAX_TIMEOUT_MS)) {
          problems.push(`streamTimeouts.${key} must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${shown(value)}.`);
        }
      }
    }
  }
  if (retry !== undefined) {
    if (!isPlainObject(retry)) problems.push(`retry must be an object { attempts?, backoffMs? }, got ${shown(retry)}.`);
    else {
      problems.push(...unknownKeys('retry', retry, RETRY_KEYS));
      const { attempts, backoffMs } = retry as { attempts?: unknown; backoffMs?: unknown };
      if (attempts !== undefined && !(typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 0)) {
        problems.push(`retry.attempts must be a non-negative integer (tries after the first), got ${shown(attempts)}.`);
      }
      if (backoffMs !== undefined && !(typeof backoffMs === 'number' && backoffMs >= 0 && backoffMs <= MAX_TIMEOUT_MS)) {
        problems.push(`retry.backoffMs must be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, got ${shown(backoffMs)}.`);
      }
    }
  }
  if (fallbackModels !== undefined && !(Array.isArray(fallbackModels) && fallbackModels.every((model) => typeof model === 'string' && model !== ''))) {
    problems.push(`fallbackModels must be an array of model names (non-empty strings), got ${shown(fallbackModels)}.`);
  }
  if (maxToolOutputChars !== undefined && !(Number.isInteger(maxToolOutputChars) && maxToolOutputChars >= 1)) {
    problems.push(`maxToolOutputChars must be a positive integer, got ${shown(maxToolOutputChars)}.`);
  }
  return problems;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(option: string, value: object, known: readonly string[]): string[] {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  return unknown.length > 0 ? [`${option} has unknown keys (${unknown.join(', ')}); known: ${known.join(', ')}.`] : [];
}

function shown(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
