import type OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { ToolEntry, ToolInvokers } from '../tools/catalog.js';
import type { RunState, RunStateJSON, SigningKey } from '../run/run-state.js';
import type { StreamEventType } from '../run/stream-events.js';
import type {
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_REPEATED_CALL_LIMIT,
  DEFAULT_RETRY_ATTEMPTS,
  DEFAULT_RETRY_BACKOFF_MS,
  DEFAULT_TOOL_ERROR_POLICY,
} from './defaults.js';
import type { ToolCall, ToolInvoker } from '../tools/tool.js';
import type { ToolResult } from '../tools/tool-result.js';
import type { ModelRequestOptions } from './openai-sdk.js';
import type { RetryOptions } from './request-retries.js';
import type { PrepareStep } from './step-preparation.js';
import type { StopCondition } from './stop-conditions.js';
import type { StreamTimeouts } from './stream-timeouts.js';
import type { TelemetrySetting } from '../telemetry/options.js';

/** What to do when a tool call throws, times out, has invalid arguments or names an unknown tool. */
export type ToolErrorPolicy = 'emit' | 'raise' | 'abort';

/** Extra Chat Completions body params (the seed's `stream_kwargs`): `tools`, `temperature`, `stream_options`, ... */
export type ChatParams = Omit<Partial<ChatCompletionCreateParamsStreaming>, 'model' | 'messages' | 'stream'>;

/** Information for {@link StreamUntilUserInputOptions.toolCallOutputCallback}. */
export interface ToolCallOutputInfo<C = any> {
  /** Zero-based index of the model request whose answer contained the call. */
  readonly iteration: number;
  /** The run's `context`, unchanged. */
  readonly context: C;
  /**
   * Set when the call threw (timeouts, invalid arguments, unknown tools and siblings cancelled under
   * `'raise'` included), whatever `onToolError` is: the error, with `result` holding the error text
   * for the model. Not set for a `ToolResult.error(...)` the tool returned. Once the run is aborted
   * the callback is not called.
   */
  readonly error?: unknown;
}

/** A class whose validated instances are a run's structured output (a class-validator DTO). */
export type OutputType<O> = new () => O;

/** The system message of a run, or how to compute it from the run's context. */
export type Instructions<C> = string | ((context: C) => string | Promise<string>);

/**
 * How runs behave, whoever starts them: the options {@link streamUntilUserInput}, `Agent` and
 * `ChatAgents.create` share. Each is declared here once; the others are derived from it.
 */
export interface RunSettings<C = any, O = unknown> {
  /**
   * A system message put before `messages`; a function computes it from `context` when the run
   * starts (if it throws, the run fails like any other failure, with `run.failed`).
   */
  instructions?: Instructions<C>;
  /** `{ name: (toolCall, context, { signal, iteration }) => string | ToolResult }`; overrides tool objects of the same name. */
  toolInvokers?: ToolInvokers<C>;
  /** Extra body params; `params.tools` are sent first, then the schemas of `tools`. */
  params?: ChatParams;
  /**
   * Most model requests in one run; past it the run fails with `MaxIterationsReached`.
   * @defaultValue {@link DEFAULT_MAX_ITERATIONS} (10)
   */
  maxIterations?: number;
  /**
   * `'emit'`: the model gets a tool message saying the call failed and why, and the loop goes on.
   * `'raise'`: the run fails at once with the original error; running sibling calls are cancelled.
   * `'abort'`: sibling calls finish, their results are recorded, then the run fails with `ToolCallError`.
   * @defaultValue {@link DEFAULT_TOOL_ERROR_POLICY} (`'emit'`)
   */
  onToolError?: ToolErrorPolicy;
  /** Called with the name of a tool nobody can invoke; return an invoker to run it, or `undefined`. */
  fallbackInvoker?: (name: string, toolCall: ToolCall) => ToolInvoker<C> | undefined;
  /**
   * Sees every tool output before the model does; return a string or `ToolResult` to replace it
   * (truncate, redact), or nothing to keep it. Like a hook, it is your code: if it throws, the run
   * fails with that error (whatever `onToolError` says, which is about tools).
   */
  toolCallOutputCallback?: (
    toolCall: ToolCall,
    result: ToolResult,
    info: ToolCallOutputInfo<C>,
  ) => void | string | ToolResult | Promise<void | string | ToolResult>;
  /**
   * How many tool calls of one assistant message run at once: `true` all, `false` one at a time, a
   * number to bound. Results are appended in the model's order whatever order they finish in.
   * (Not the API's `parallel_tool_calls`, which asks the model; set that in `params`.)
   * @defaultValue `true`
   */
  parallelToolCalls?: boolean | number;
  /** Per-request options for the OpenAI client (`headers`, `timeout`, `maxRetries`, ...). */
  requestOptions?: ModelRequestOptions;
  /**
   * Structured output: a class-validator DTO. Unless `params.response_format` is set, the request
   * asks for `responseFormatFromClass(outputType)`; the final answer is parsed and validated into an
   * instance, returned as `result.parsed`. An answer that does not fit fails the run with
   * `OutputValidationError` (the messages are kept).
   */
  outputType?: OutputType<O>;
  /**
   * Which calls wait for a person's approval, for tools without their own `needsApproval` (raw
   * schemas with `toolInvokers`, or a rule across tools). A call waits when its tool's `needsApproval`
   * or this says so. The run then ends with `run.interrupted`; see `RunState`.
   */
  needsApproval?: (toolCall: ToolCall, context: C) => boolean | Promise<boolean>;
  /**
   * Signs every `RunState` the run produces (HMAC-SHA256) and refuses to resume a state that is
   * unsigned or was changed outside `approve()` / `reject()` (`RunStateError`). Set it whenever a
   * state travels through a client. Keep it on the server.
   */
  signingKey?: SigningKey;
  /**
   * Ends the run as completed after a step's tool results, without another model request, when any
   * condition holds: `stopAfterTool(name)` (its result becomes `result.finalToolResult`),
   * `stopAfterIterations(n)`, or your own `(step) => boolean`. A stopped run has no `parsed` output.
   * @defaultValue none: the run ends when the model answers without tool calls
   */
  stopWhen?: StopCondition | readonly StopCondition[];
  /**
   * Called before every model request with `{ iteration, messages, context, model, toolNames }`;
   * returns `{ model?, params?, messages?, toolNames? }` to change that request alone (the run's
   * history is not changed), or nothing.
   */
  prepareStep?: PrepareStep<C>;
  /**
   * The Nth call in a row of one tool with identical arguments (compared as JSON) is refused with
   * `RepeatedToolCallError`: the model is told why and `tool_call.failed` is emitted, so a model stuck
   * in a loop stops burning requests. `Infinity` turns the check off.
   * @defaultValue {@link DEFAULT_REPEATED_CALL_LIMIT} (3: the third identical call in a row is refused)
   */
  repeatedCallLimit?: number;
  /**
   * Client-side limits on each model stream: `firstChunkMs` (request sent → first chunk), `idleMs`
   * (between chunks), `totalMs` (one attempt). When one fires the request is aborted and the attempt
   * fails with `StreamTimeoutError`, which `retry` sends again.
   * @defaultValue none (only the client's own `timeout`)
   */
  streamTimeouts?: StreamTimeouts;
  /**
   * Sends a model request again when it fails before or during its stream (connection error, HTTP
   * 408/409/429/5xx, a provider error event mid-stream, a stream timeout), after `backoffMs` or the
   * provider's `retry-after`. Hooks get `stream.retry` before the new attempt; nothing of a failed
   * attempt reaches the history or the result. With `retry` set, requests are sent with the SDK's
   * own `maxRetries: 0` (unless `requestOptions.maxRetries` is given), so `attempts` counts every try.
   * @defaultValue off; `retry: {}` means `attempts` {@link DEFAULT_RETRY_ATTEMPTS} (2) and `backoffMs` {@link DEFAULT_RETRY_BACKOFF_MS} (500)
   */
  retry?: RetryOptions;
  /**
   * Models that serve a request, in order, when it still fails with a retryable error after the
   * retries of the previous model (each model gets `retry.attempts` retries). Each request starts with
   * the run's model again; `iteration.completed` says which model answered.
   * @defaultValue none
   */
  fallbackModels?: readonly string[];
  /**
   * Tool outputs longer than this keep their first `maxToolOutputChars` characters, followed by a note
   * of how much was cut; applied after `toolCallOutputCallback`, to what the model and events get.
   * @defaultValue none (no limit)
   */
  maxToolOutputChars?: number;
  /**
   * OpenTelemetry traces and metrics following the GenAI semantic conventions: a run span
   * (`invoke_agent`), a `chat {model}` span per model request and an `execute_tool {tool}` span per
   * tool call, plus the `gen_ai.client.*` metrics. `true` uses the global tracer and meter providers;
   * `{ tracer?, meter?, captureContent? }` chooses them, and whether prompts and outputs are recorded
   * (never by default). Needs the optional peer dependency `@opentelemetry/api`. See docs/telemetry.md.
   * @defaultValue `false`
   */
  telemetry?: TelemetrySetting;
  /**
   * Also emits `run.checkpoint { after: 'tool_call', toolCall }` each time a call of a tool batch
   * settles, not only after the model turn and after the whole batch. Its state's pending calls carry
   * the results so far, so a run resumed from it (after a crash in the middle of a batch) runs only the
   * calls that had not finished. Durable runners that store every checkpoint turn it on (the BullMQ
   * worker of `chat-cmpl-stream-handler/bullmq` does). Under `onToolError: 'raise'` or `'abort'` a
   * failed call gets no such checkpoint: the run fails, and a resume runs the call again.
   * @defaultValue `false`
   */
  checkpointToolCalls?: boolean;
}

/**
 * Makes `context` required once the context type `C` is known: given explicitly
 * (`streamUntilUserInput<Session>(...)`, `new Agent<Session>(...)`) or inferred from typed tools
 * (`FunctionTool` whose `execute` takes a `Session`). While `C` is `any`, `unknown` or `undefined`,
 * `context` stays optional. A forgotten context is then a compile error, not `undefined` in a tool.
 */
export type WithContext<C> = unknown extends C ? { context?: C } : undefined extends C ? { context?: C } : { context: C };

/**
 * Options that resume a paused run: like {@link StreamUntilUserInputOptions}, with `resume` set and
 * `messages` optional (the state's history is used).
 */
export type ResumeOptions<C = any, O = unknown> = Omit<StreamUntilUserInputOptions<C, O>, 'messages' | 'resume'> & {
  resume: RunState | RunStateJSON;
  messages?: readonly ChatCompletionMessageParam[];
};

/** Options of a run: a new one ({@link StreamUntilUserInputOptions}) or a resumed one ({@link ResumeOptions}). */
export type RunOptions<C = any, O = unknown> = StreamUntilUserInputOptions<C, O> | ResumeOptions<C, O>;

/** Options of {@link streamUntilUserInput} and {@link streamUntilUserInputEvents}. */
export interface StreamUntilUserInputOptions<C = any, O = unknown> extends RunSettings<C, O> {
  /** The conversation so far. It is copied, never mutated. */
  messages: readonly ChatCompletionMessageParam[];
  /** Model name. */
  model: string;
  /** An `OpenAI` client (or a subclass such as `AnthropicOpenAI`, `AzureOpenAI`). */
  client: OpenAI;
  /** Names the run in telemetry: its span is `invoke_agent {name}`, with `gen_ai.agent.name`. */
  name?: string;
  /** Receives stream and lifecycle events: a `ChatCompletionStreamHandler`, a class with hook decorators, or several. */
  streamHandler?: object | readonly object[];
  /** Tool objects, raw tool schemas, `@Toolset` instances, MCP toolsets. */
  tools?: readonly ToolEntry<C>[];
  /** Forwarded to every invoker and hook as is. */
  context?: C;
  /** Aborts the model stream and running tools; the run then fails with `RunAbortedError`. */
  signal?: AbortSignal;
  /**
   * The run's id (`run.runId` in hooks, `state.runId`, part of each call's idempotency key): yours to
   * correlate the run with a request or a job. Default: a new UUID. A resumed run keeps its state's id.
   */
  runId?: string;
  /**
   * Resumes a paused run (`result.state`, a `run.checkpoint` state, or its JSON form) instead of
   * starting one: the state's history is used and `messages` / `instructions` are ignored. Calls
   * approved in the state run once; rejected ones are answered; a call already answered never runs
   * again; a completed model request is never sent again.
   */
  resume?: RunState | RunStateJSON;
  /**
   * Which stream events `streamUntilUserInputEvents` (and `Agent.stream`) yields as `stream.event`:
   * all (`true`), none (`false`), or the listed types. An event type nobody asks for is never built,
   * so a reader that uses only `content.delta` should list just that. Hooks get the events they listen
   * to either way; `streamUntilUserInput` ignores it.
   * @defaultValue `true`
   */
  streamEvents?: boolean | readonly StreamEventType[];
}
