export { ChatCompletionStreamHandler, FunctionTool, streamUntilUserInput, streamUntilUserInputEvents } from 'chat-cmpl-stream-handler';

/** Every hook method of ChatCompletionStreamHandler. */
export const HOOK_METHOD_NAMES = [
  'onEvent', 'onChunk', 'onContentDelta', 'onContentDone', 'onRefusalDelta', 'onRefusalDone',
  'onToolCallsFunctionArgumentsDelta', 'onToolCallsFunctionArgumentsDone', 'onLogprobsContentDelta',
  'onLogprobsContentDone', 'onLogprobsRefusalDelta', 'onLogprobsRefusalDone', 'onReasoningDelta', 'onReasoningDone',
  'onIterationStarted', 'onIterationCompleted', 'onStreamRetry', 'onToolCallStarted', 'onToolCallCompleted', 'onToolCallFailed',
  'onRunCompleted', 'onRunFailed',
] as const;
