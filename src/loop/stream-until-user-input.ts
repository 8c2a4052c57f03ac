import { runEngine } from './engine.js';
import type { RunOptions, WithContext } from './options.js';
import type { StreamResult } from '../run/stream-result.js';

const NO_EVENTS = { streamEvents: false, lifecycleEvents: false, emit: () => {} };

/**
 * Streams a completion, runs the tool calls, feeds the results back and repeats until the model
 * stops asking for tools. Hooks on `streamHandler` see every event. Once the context type is known
 * (typed tools, or `streamUntilUserInput<Session>(...)`), `context` is required ({@link WithContext}).
 *
 * With `resume: state` it goes on with a paused run (see `RunState`).
 *
 * @returns the run's {@link StreamResult}; for a run that stopped because calls wait for approval,
 *   one whose `interruptions` and `state` are set (it resolves, never rejects, for that).
 * @throws the error that ended the run, with the messages produced so far in `error.messages`
 *   (`MaxIterationsReached`, `RunAbortedError`, `ToolCallError`, `HookError`, an OpenAI `APIError`,
 *   or under `onToolError: 'raise'` what the tool threw).
 *
 * @example
 * ```ts
 * const result = await streamUntilUserInput({
 *   client: new OpenAI(), model: 'gpt-4.1-nano',
 *   messages: [{ role: 'user', content: "What's the weather in Tokyo?" }],
 *   tools: [getWeather],
 * });
 * console.log(result.finalContent, result.totalUsage);
 * ```
 */
export async function streamUntilUserInput<C = any, O = unknown>(options: RunOptions<C, O> & WithContext<C>): Promise<StreamResult<O>> {
  const outcome = await runEngine(options, NO_EVENTS);
  if (outcome.result) return outcome.result;
  throw outcome.error;
}
