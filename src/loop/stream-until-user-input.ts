import { streamUntilUserInputEvents } from './engine.js';
import type { StreamUntilUserInputOptions } from './options.js';
import type { StreamResult } from './stream-result.js';

/**
 * Streams a completion, runs the tool calls, feeds the results back and repeats until the model
 * stops asking for tools. Hooks on `streamHandler` see every event.
 *
 * @returns the run's {@link StreamResult}.
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
export async function streamUntilUserInput<C = any>(options: StreamUntilUserInputOptions<C>): Promise<StreamResult> {
  for await (const event of streamUntilUserInputEvents(options)) {
    if (event.type === 'run.completed') return event.result;
    if (event.type === 'run.failed') throw event.error;
  }
  throw new Error('The run ended without a run.completed or run.failed event.');
}
