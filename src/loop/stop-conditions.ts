import type { ChatCompletionAssistantMessageParam } from 'openai/resources/chat/completions';
import type { ToolCall } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';

/** One tool call of a step and what the model was told about it. */
export interface StepToolResult {
  /** The call as the model made it (a custom tool call appears as a function call, as in `tool_call.*` events). */
  readonly toolCall: ToolCall;
  /** The result recorded for the call (`isError` when it failed). */
  readonly result: ToolResult;
}

/** What a {@link StopCondition} sees: one model request that called tools, after its tool results. */
export interface StopStep {
  /** Zero-based index of the model request. */
  readonly iteration: number;
  /** The assistant message with the calls, as appended to the history. */
  readonly assistantMessage: ChatCompletionAssistantMessageParam;
  /** One entry per call, in the model's order. */
  readonly toolResults: readonly StepToolResult[];
}

/**
 * Decides after a step's tool results whether the run completes there, without another model
 * request. If it throws, the run fails with that error.
 */
export type StopCondition = (step: StopStep) => boolean | Promise<boolean>;

/** How the run ends when a condition holds. */
export interface RunStop {
  /** The tool result the run ends with (`result.finalToolResult`). */
  readonly finalToolResult: ToolResult | undefined;
}

/** Marks the conditions made by {@link stopAfterTool} with their tool name. */
const STOP_TOOL = Symbol('stopAfterTool');

type ToolStopCondition = StopCondition & { readonly [STOP_TOOL]?: string };

/**
 * Completes the run right after a successful call of tool `name` (as the model calls it, prefix
 * included): no further model request is made, and the call's result is `result.finalToolResult`.
 * A failed call of it (invalid arguments, a throw, `ToolResult.error`) does not stop the run, so the
 * model can correct it. Other calls of the same message still run.
 *
 * @example
 * ```ts
 * const result = await agent.run(input); // with new Agent({ ..., stopWhen: stopAfterTool('submit_answer') })
 * const answer = result.finalToolResult?.content;
 * ```
 */
export function stopAfterTool(name: string): StopCondition {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`stopAfterTool needs the name of a tool as the model calls it, got ${JSON.stringify(name) ?? typeof name}.`);
  }
  const condition: StopCondition = (step) => step.toolResults.some((entry) => entry.toolCall.function.name === name && !entry.result.isError);
  return Object.defineProperty(condition, STOP_TOOL, { value: name });
}

/**
 * Completes the run after `count` model requests that called tools, once their tool results are in:
 * unlike `maxIterations`, which fails the run, this ends it as completed.
 */
export function stopAfterIterations(count: number): StopCondition {
  if (!(Number.isInteger(count) && count >= 1)) throw new TypeError(`stopAfterIterations needs a positive integer, got ${String(count)}.`);
  return (step) => step.iteration + 1 >= count;
}

/**
 * The first of `conditions` that holds for `step` ends the run. Its final tool result is the
 * condition's tool (for {@link stopAfterTool}: the last successful call of it), else the step's last result.
 */
export async function checkStopConditions(conditions: readonly StopCondition[], step: StopStep): Promise<RunStop | undefined> {
  for (const condition of conditions) {
    if (!(await condition(step))) continue;
    const tool = (condition as ToolStopCondition)[STOP_TOOL];
    const results = tool === undefined ? step.toolResults : step.toolResults.filter((entry) => entry.toolCall.function.name === tool && !entry.result.isError);
    return { finalToolResult: results.at(-1)?.result };
  }
  return undefined;
}
