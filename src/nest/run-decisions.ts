import type { RunState } from '../run/run-state.js';
import { RunStateError } from '../run/errors.js';
import { describeValue } from './describe-value.js';
import { RunDecisionError } from './run-decision.error.js';

/**
 * One decision as a client sends it: approve a waiting call (optionally with edited arguments,
 * validated again like the model's) or reject it (optionally telling the model why).
 */
export type RunDecision =
  | { callId: string; approve: true; arguments?: Record<string, unknown> }
  | { callId: string; reject: true; message?: string };

/** Most decisions one request may carry. */
const MAX_DECISIONS = 100;
/** Longest rejection message a client may send (it becomes the tool message the model reads). */
const MAX_MESSAGE_LENGTH = 2000;

/**
 * Checks decisions that came from a client, naming the first problem.
 *
 * @throws {RunDecisionError} `invalid_decisions` when they are not a non-empty array of well-formed decisions.
 */
export function parseDecisions(value: unknown): RunDecision[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_DECISIONS) {
    throw invalid(`decisions must be a non-empty array (at most ${MAX_DECISIONS}) of { callId, approve: true } or { callId, reject: true }, got ${describeValue(value)}.`);
  }
  return value.map((item, i) => parseDecision(item, `decisions[${i}]`));
}

function parseDecision(item: unknown, where: string): RunDecision {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw invalid(`${where} must be an object { callId, approve: true } or { callId, reject: true }, got ${describeValue(item)}.`);
  }
  const decision = item as Record<string, unknown>;
  const { callId } = decision;
  if (typeof callId !== 'string' || callId === '' || callId.length > 200) {
    throw invalid(`${where}.callId must be the id of a waiting call (the callId of the approval event), got ${describeValue(callId)}.`);
  }
  const approve = decision['approve'] === true;
  const reject = decision['reject'] === true;
  if (approve === reject) {
    throw invalid(`${where} (call ${callId}) must have exactly one of approve: true and reject: true.`);
  }
  const allowed = approve ? ['callId', 'approve', 'arguments'] : ['callId', 'reject', 'message'];
  const unknown = Object.keys(decision).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw invalid(`${where} (call ${callId}) has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; ${approve ? 'an approval' : 'a rejection'} takes ${allowed.join(', ')}.`);
  }
  if (approve) {
    const args = decision['arguments'];
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
      throw invalid(`${where}.arguments (call ${callId}) must be an object of edited arguments, got ${describeValue(args)}.`);
    }
    return args === undefined ? { callId, approve: true } : { callId, approve: true, arguments: args as Record<string, unknown> };
  }
  const message = decision['message'];
  if (message !== undefined && (typeof message !== 'string' || message.length > MAX_MESSAGE_LENGTH)) {
    throw invalid(`${where}.message (call ${callId}) must be a string of at most ${MAX_MESSAGE_LENGTH} characters, got ${describeValue(message)}.`);
  }
  return message === undefined ? { callId, reject: true } : { callId, reject: true, message };
}

/**
 * Records `decisions` on `state` (approve / reject), turning the state's own refusals (a call that
 * does not wait, one call decided twice) into `invalid_decisions`.
 *
 * @throws {RunDecisionError} `invalid_decisions`.
 */
export function applyDecisions(state: RunState, decisions: readonly RunDecision[]): void {
  for (const decision of decisions) {
    try {
      if ('approve' in decision) state.approve(decision.callId, decision.arguments === undefined ? {} : { arguments: decision.arguments });
      else state.reject(decision.callId, decision.message === undefined ? {} : { message: decision.message });
    } catch (error) {
      if (error instanceof RunStateError) throw invalid(error.message, error);
      throw error;
    }
  }
}

function invalid(message: string, cause?: unknown): RunDecisionError {
  return new RunDecisionError('invalid_decisions', message, cause === undefined ? undefined : { cause });
}
