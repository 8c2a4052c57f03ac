/**
 * Test kit: a real Chat Completions server on 127.0.0.1 that plays scripted replies, so agents can be
 * tested without an API key or network.
 *
 * @packageDocumentation
 */
export { ScriptedChatServer, ScriptError } from './scripted-chat-server.js';
export type { ScriptedChatServerOptions } from './scripted-chat-server.js';
export { reply, toolCall } from './replies.js';
export type { DeliveryOptions, HttpErrorOptions, MessageSpec, ReplyOptions, ScriptedReply, ScriptedToolCall, StreamQuirks } from './replies.js';
export type { RecordedRequest } from './recorded-request.js';
export type { DynamicReply, HttpErrorReply, ListenOptions, StreamDelivery } from './scripted-server.js';
export { ScriptedAnthropicServer } from './scripted-anthropic-server.js';
export type { ScriptedAnthropicServerOptions } from './scripted-anthropic-server.js';
export { anthropicReply, toolUse } from './anthropic-replies.js';
export type {
  AnthropicBlockSpec,
  AnthropicDeliveryOptions,
  AnthropicMessageSpec,
  AnthropicReplyOptions,
  AnthropicScriptedReply,
  AnthropicToolUseSpec,
  AnthropicUsageSpec,
  RawAnthropicEvent,
} from './anthropic-replies.js';
