import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ToolResult } from '../tools/tool-result.js';
import type { Interruption, RunState } from './run-state.js';
import { lastAssistantMessage } from './history.js';
import { sumUsage } from './usage.js';

/**
 * The outcome of a run: the whole conversation and what it cost.
 *
 * @typeParam P - type of {@link StreamResult.parsed} when the run asked for structured output.
 */
export class StreamResult<P = unknown> {
  constructor(
    /** Input messages followed by every assistant and tool message of the run. */
    readonly messages: ChatCompletionMessageParam[],
    /** Usage of each model request that reported it, in order. */
    readonly usages: CompletionUsage[],
    /** The completion of each model request, in order. */
    readonly completions: ChatCompletion[],
    /** The final answer parsed into the requested class (see `responseFormatFromClass`), else `undefined`. */
    readonly parsed?: P,
    /**
     * Set when a `stopWhen` condition ended the run after a step's tool results: the result of the
     * `stopAfterTool` tool, or for another condition the step's last tool result. The run then has no
     * final answer of the model (`finalContent` is the text, if any, of the message that made the calls).
     */
    readonly finalToolResult?: ToolResult,
    pause?: { readonly state: RunState; readonly interruptions: readonly Interruption[] },
  ) {
    this.state = pause?.state;
    this.interruptions = pause?.interruptions ?? [];
  }

  /**
   * The calls that wait for a person's approval when the run was interrupted (`run.interrupted`);
   * empty for a run that finished.
   */
  readonly interruptions: readonly Interruption[];

  /**
   * The paused run when it was interrupted: record decisions (`state.approve(id)`, `state.reject(id)`)
   * and resume with `resume: state` or `agent.run(state)`. `undefined` for a run that finished.
   */
  readonly state: RunState | undefined;

  /** True when the run stopped for approvals rather than finishing. */
  get interrupted(): boolean {
    return this.state !== undefined;
  }

  /**
   * The history as plain JSON-safe objects, ready to send as `messages` of the next round.
   * Provider extras the next request needs (Gemini's `extra_content` thought signatures, DeepSeek's
   * `reasoning_content`) are kept.
   */
  toInputList(): ChatCompletionMessageParam[] {
    return JSON.parse(JSON.stringify(this.messages));
  }

  /** Sum of {@link usages}, details included; all zeros when no request reported usage. */
  get totalUsage(): CompletionUsage {
    return sumUsage(this.usages);
  }

  /** The last assistant message of the run. */
  get finalMessage(): ChatCompletionAssistantMessageParam | undefined {
    return lastAssistantMessage(this.messages);
  }

  /** Text of the final answer (`null` when the last answer had no text, e.g. a refusal). */
  get finalContent(): string | null {
    const content = this.finalMessage?.content;
    if (content === undefined || content === null) return null;
    if (typeof content === 'string') return content;
    return content.map((part) => ('text' in part ? part.text : '')).join('');
  }
}
