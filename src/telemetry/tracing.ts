// What the engine sees of telemetry. Free of `@opentelemetry/api` types on purpose: the engine's
// declarations reach these, and a user without the optional peer must still type-check them.
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ToolCall } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';
import type { TelemetrySetting } from './options.js';

/** The telemetry of one run, present only when the run's `telemetry` option is on. */
export interface RunTracing {
  /** Starts the span of one model request (`undefined` when the tracer failed; the run goes on). */
  startChat(body: ChatCompletionCreateParamsStreaming): ChatTracing | undefined;
  /** Starts the span of one tool call (`undefined` when the tracer failed; the run goes on). */
  startTool(toolCall: ToolCall): ToolTracing | undefined;
}

/** The span of one model request. */
export interface ChatTracing {
  /** The client to send the request with: the span is active while it is sent, and the first chunk is timed. */
  client(client: OpenAI): OpenAI;
  /** The request answered. */
  end(completion: ChatCompletion): void;
  /** The request failed, was aborted (`runAborted`: because the run was) or timed out. */
  fail(error: unknown, runAborted: boolean): void;
}

/** The span of one tool call. */
export interface ToolTracing {
  /** Runs the tool with the span active. */
  run<T>(invoke: () => T): T;
  /**
   * The call settled: `failed` when it threw `error` (`runAborted`: because the run was aborted);
   * else `result` is what it returned.
   */
  end(result: ToolResult, failed: boolean, error: unknown, runAborted: boolean): void;
}

/** What telemetry reads of a run's options. */
export interface TracedRun {
  readonly client: unknown;
  readonly model: string;
  /** The agent's (or run's) name: the run span is `invoke_agent {name}`. */
  readonly name?: string | undefined;
  /** The input messages (absent when the run resumes a paused one). */
  readonly messages?: readonly ChatCompletionMessageParam[] | undefined;
  readonly telemetry?: TelemetrySetting | undefined;
}
