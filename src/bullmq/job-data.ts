import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AgentInput } from '../agent/agent.js';
import { RUN_STATE_TYPE, type RunStateJSON } from '../run/run-state.js';
import { AgentQueueError } from './errors.js';

/** The version of {@link RunJobData} this library writes and reads. */
export const RUN_JOB_VERSION = 1;

/** The data of a BullMQ job that runs an agent (plain JSON, as BullMQ stores it). */
export interface RunJobData {
  /** The format version of the job data (1). */
  v: number;
  runId: string;
  /** The name of the agent in the workers' `agents`. */
  agent: string;
  /** A user message, the messages so far, or a paused run's state to resume. */
  input: string | ChatCompletionMessageParam[] | RunStateJSON;
  /** The run's context (JSON). */
  context?: unknown;
}

/** What a run's job returns to BullMQ (the outcome itself is in the run's status stream). */
export interface RunJobResult {
  runId: string;
  status: 'completed' | 'interrupted';
}

/** The input as JSON: a state's JSON form (signed as it is), messages copied. */
export function inputAsJson(input: AgentInput, where: string): RunJobData['input'] {
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) {
    const problem = jsonProblem(input, 'input');
    if (problem) throw new AgentQueueError(`${where}: the input messages must be plain JSON (${problem}).`);
    return structuredClone(input) as ChatCompletionMessageParam[];
  }
  if (typeof input === 'object' && input !== null) {
    const json = typeof (input as { toJSON?: unknown }).toJSON === 'function' ? (input as { toJSON(): unknown }).toJSON() : input;
    if ((json as { type?: unknown }).type === RUN_STATE_TYPE) return structuredClone(json) as RunStateJSON;
  }
  throw new AgentQueueError(`${where}: the input must be a user message (string), an array of chat messages, or a RunState to resume.`);
}

/**
 * Checks that a context survives the trip through Redis unchanged: plain objects, arrays, strings,
 * finite numbers, booleans and null.
 *
 * @throws {AgentQueueError} naming the first value that would not.
 */
export function assertJsonContext(context: unknown, where: string): void {
  const problem = context === undefined ? undefined : jsonProblem(context, 'context');
  if (problem) {
    throw new AgentQueueError(
      `${where}: the context travels to the worker as JSON, but ${problem}. Pass plain data (ids, strings, numbers) and look services up in the tools.`,
    );
  }
}

/** Where `value` stops being plain JSON, or `undefined` when it is. */
function jsonProblem(value: unknown, path: string, seen = new Set<object>()): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (typeof value !== 'object') return `${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}`;
  if (seen.has(value)) return `${path} refers back to itself`;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblem(value[i], `${path}[${i}]`, seen);
      if (problem) return problem;
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `${path} is a ${(value as object).constructor?.name ?? 'class instance'} (not a plain object)`;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const problem = jsonProblem(item, `${path}.${key}`, seen);
      if (problem) return problem;
    }
  }
  seen.delete(value);
  return undefined;
}
