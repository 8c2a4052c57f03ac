/**
 * chat-cmpl-stream-handler: stream a chat completion, hand every event to hooks, and loop tool
 * calls until the model is done.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export { streamUntilUserInputEvents } from './loop/engine.js';
export { streamUntilUserInput } from './loop/stream-until-user-input.js';
export { StreamResult } from './run/stream-result.js';
export {
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_TOOL_ERROR_POLICY,
  EVENT_BUFFER_SIZE,
  DEFAULT_REPEATED_CALL_LIMIT,
  DEFAULT_RETRY_ATTEMPTS,
  DEFAULT_RETRY_BACKOFF_MS,
  MAX_RETRY_BACKOFF_MS,
  MAX_RETRY_AFTER_MS,
} from './loop/defaults.js';
export type {
  RunSettings,
  RunOptions,
  ResumeOptions,
  StreamUntilUserInputOptions,
  WithContext,
  ToolErrorPolicy,
  ChatParams,
  ToolCallOutputInfo,
  OutputType,
  Instructions,
} from './loop/options.js';
export type { ModelRequestOptions } from './loop/openai-sdk.js';
export { stopAfterTool, stopAfterIterations } from './loop/stop-conditions.js';
export type { StopCondition, StopStep, StepToolResult } from './loop/stop-conditions.js';
export type { PrepareStep, PrepareStepInput, StepChanges } from './loop/step-preparation.js';
export { RepeatedToolCallError } from './loop/repeated-calls.js';
export { StreamTimeoutError } from './loop/stream-timeouts.js';
export type { StreamTimeouts, StreamTimeoutKind } from './loop/stream-timeouts.js';
export type { RetryOptions } from './loop/request-retries.js';
export type { TelemetryOptions, TelemetrySetting, TelemetryTracer, TelemetryMeter } from './telemetry/options.js';
export { TelemetryUnavailableError } from './telemetry/errors.js';
export { ChatCmplError } from './errors/chat-cmpl-error.js';
export { RunState, RUN_STATE_VERSION, DEFAULT_REJECTION_MESSAGE } from './run/run-state.js';
export type { Interruption, RunStateJSON, RunStateOptions, ToolCallDecision, SigningKey, PendingCallJSON } from './run/run-state.js';
export {
  RunError,
  MaxIterationsReached,
  RunAbortedError,
  ToolCallError,
  ModelResponseError,
  RunStateError,
  ToolCallRejectedError,
} from './run/errors.js';
export { ToolCallCancelledError, ToolReportedError } from './loop/tool-batch.js';
export type * from './run/lifecycle-events.js';
export type * from './run/stream-events.js';

export { ToolResult } from './tools/tool-result.js';
export { FunctionTool, TOOL_NAME_PATTERN } from './tools/function-tool.js';
export type { FunctionToolOptions, FunctionToolExecuteOptions } from './tools/function-tool.js';
export { argsFromToolCall, isTool, isToolSource, TOOL_SOURCE, TOOL_SOURCE_DYNAMIC, toToolResult } from './tools/tool.js';
// `Tool` (the tool object type) is exported with the @Tool decorator of the same name, below.
export type { NeedsApproval, ToolCall, ToolInvoker, ToolInvocationOptions, ToolOutput, ToolProgressUpdate, ToolSource } from './tools/tool.js';
export { mergeToolsAndInvokers } from './tools/merge.js';
export type { MergeToolsInput, MergedTools, ToolEntry, ToolInvokers } from './tools/merge.js';
export { ToolArgumentsError, ToolTimeoutError, UnknownToolError, ToolConfigurationError } from './tools/errors.js';
export type { ArgumentIssue } from './tools/errors.js';

export { ChatCompletionStreamHandler } from './hooks/chat-completion-stream-handler.js';
export type { RunInfo } from './run/run-info.js';
export { HookError } from './hooks/errors.js';
export * from './hooks/hook-decorators.js';
export type { HookEventType } from './run/event-names.js';

export { Agent } from './agent/agent.js';
export type { AgentOptions, AgentRunOptions, AgentRunArguments, AgentInput } from './agent/agent.js';

// --- decorator layer (tools) ---
export { Toolset } from './tools/decorators/toolset.decorator.js';
export type { ToolsetOptions } from './tools/decorators/toolset.decorator.js';
export { Tool } from './tools/decorators/tool.decorator.js';
export type { ToolOptions, ToolAnnotations } from './tools/decorators/tool.decorator.js';
export { Describe } from './tools/decorators/describe.decorator.js';
export type { ToolContext } from './tools/decorators/tool-context.js';
export { toolsFromToolset } from './tools/toolset-reader.js';
export { buildToolsAndInvokers } from './tools/decorators/build-tools-and-invokers.js';
export type { ToolsAndInvokers } from './tools/decorators/build-tools-and-invokers.js';
export { schemaFromClass, jsonSchemaFromClass, JSON_SCHEMA_2020_12 } from './tools/schema/schema-from-class.js';
export type { SchemaDialect, JsonSchemaFromClassOptions } from './tools/schema/schema-from-class.js';
export type { JSONSchema, JSONSchemaTypeName, JSONSchemaEnumValue } from './tools/schema/json-schema.js';
export { responseFormatFromClass } from './tools/response-format.js';
export type { ResponseFormatFromClassOptions } from './tools/response-format.js';
export { parseOutput } from './tools/validation/parse-output.js';
export { OutputValidationError } from './tools/validation/output-validation-error.js';
export { TOOL_ARGUMENT_LIMITS } from './tools/validation/limits.js';
export { validateToolArguments } from './tools/validation/validated-invoker.js';
export type { ValidateToolArgumentsOptions } from './tools/validation/validated-invoker.js';
// --- end decorator layer ---
