import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { RunCompletedEvent, RunFailedEvent, RunInterruptedEvent } from '../run/lifecycle-events.js';
import { RunState, type RunStateJSON, type SigningKey } from '../run/run-state.js';
import { ToolResult } from '../tools/tool-result.js';
import { StreamResult } from '../run/stream-result.js';
import { rebuildError, serializeError, type SerializedError } from './error-codec.js';

/** The event that ends a run. */
export type TerminalEvent = RunCompletedEvent | RunInterruptedEvent | RunFailedEvent;

/** A {@link StreamResult} as JSON. */
interface ResultJSON {
  messages: ChatCompletionMessageParam[];
  usages: CompletionUsage[];
  completions: ChatCompletion[];
  /** `result.parsed` (an `outputType` instance) as JSON: a plain object on the other side. */
  parsed?: unknown;
  /** `result.finalToolResult` of a run a stop condition ended. */
  finalToolResult?: { content: string; metadata?: unknown; isError: boolean };
}

/** How a run ended, as the worker records it in the run's status stream. */
export type RunOutcomeJSON =
  | { status: 'completed'; result: ResultJSON }
  | { status: 'interrupted'; result: ResultJSON; state: RunStateJSON }
  | { status: 'failed'; error: SerializedError };

/** The outcome recorded for a run's terminal event. */
export function outcomeOf(event: TerminalEvent): RunOutcomeJSON {
  switch (event.type) {
    case 'run.completed':
      return { status: 'completed', result: resultJson(event.result) };
    case 'run.interrupted':
      return { status: 'interrupted', result: resultJson(event.result), state: event.state.toJSON() };
    case 'run.failed': {
      const error = serializeError(event.error);
      error.messages ??= event.messages;
      return { status: 'failed', error };
    }
  }
}

/** A failure the worker records itself (an agent it does not know, too many crashes). */
export function failureOutcome(error: Error, messages: ChatCompletionMessageParam[] = []): RunOutcomeJSON {
  const serialized = serializeError(error);
  serialized.messages ??= messages;
  return { status: 'failed', error: serialized };
}

/**
 * The terminal event in this process: a `StreamResult` (with a `RunState` loaded with `signingKey`
 * when the run was interrupted), or the rebuilt error.
 */
export function terminalEventOf(outcome: RunOutcomeJSON, signingKey: SigningKey | undefined): TerminalEvent {
  switch (outcome.status) {
    case 'completed':
      return { type: 'run.completed', result: streamResult(outcome.result) };
    case 'interrupted': {
      const state = RunState.fromJSON(outcome.state, { signingKey });
      const interruptions = state.undecided;
      return { type: 'run.interrupted', state, interruptions, result: streamResult(outcome.result, { state, interruptions }) };
    }
    case 'failed': {
      const error = rebuildError(outcome.error);
      return { type: 'run.failed', error, messages: outcome.error.messages ?? [] };
    }
  }
}

function resultJson(result: StreamResult): ResultJSON {
  return {
    messages: result.messages,
    usages: result.usages,
    completions: result.completions,
    ...(result.parsed === undefined ? {} : { parsed: result.parsed }),
    ...(result.finalToolResult === undefined
      ? {}
      : { finalToolResult: { content: result.finalToolResult.content, metadata: result.finalToolResult.metadata, isError: result.finalToolResult.isError } }),
  };
}

function streamResult(json: ResultJSON, pause?: ConstructorParameters<typeof StreamResult>[5]): StreamResult {
  const final = json.finalToolResult;
  const finalToolResult = final === undefined ? undefined : new ToolResult(final.content, final.metadata as Record<string, unknown> | undefined, { isError: final.isError });
  return new StreamResult(json.messages, json.usages, json.completions, json.parsed, finalToolResult, pause);
}
