import 'reflect-metadata';
import { HOOKS_METADATA } from './constants.js';
import type { HookEventType } from '../run/event-names.js';

/** One hook recorded by a decorator: the event and the method that handles it. */
export interface HookRecord {
  /** The event type handled; `'*'` for every stream event. */
  readonly event: HookEventType;
  /** Property key of the handling method (the decorated method, or an overridden handler method such as `onContentDelta`). */
  readonly method: string | symbol;
}

/**
 * Records that the decorated method handles `event`. Decorators only record; the dispatch table
 * reads the records once per class.
 */
export function OnStreamHook(event: HookEventType): MethodDecorator {
  return (target, propertyKey) => {
    const ctor = (target as object).constructor;
    const own: HookRecord[] = Reflect.getOwnMetadata(HOOKS_METADATA, ctor) ?? [];
    Reflect.defineMetadata(HOOKS_METADATA, [...own, { event, method: propertyKey }], ctor);
  };
}

/** Every stream event (before the specific hook). */
export const OnEvent = (): MethodDecorator => OnStreamHook('*');
/** Every raw chunk. */
export const OnChunk = (): MethodDecorator => OnStreamHook('chunk');
/** Each piece of assistant text. */
export const OnContentDelta = (): MethodDecorator => OnStreamHook('content.delta');
/** The full assistant text. */
export const OnContentDone = (): MethodDecorator => OnStreamHook('content.done');
/** Each piece of a refusal. */
export const OnRefusalDelta = (): MethodDecorator => OnStreamHook('refusal.delta');
/** The full refusal. */
export const OnRefusalDone = (): MethodDecorator => OnStreamHook('refusal.done');
/** Each fragment of a tool call's arguments. */
export const OnToolCallArgumentsDelta = (): MethodDecorator => OnStreamHook('tool_calls.function.arguments.delta');
/** A tool call's complete arguments. */
export const OnToolCallArgumentsDone = (): MethodDecorator => OnStreamHook('tool_calls.function.arguments.done');
/** Log probabilities of new content tokens. */
export const OnLogprobsContentDelta = (): MethodDecorator => OnStreamHook('logprobs.content.delta');
/** All content log probabilities. */
export const OnLogprobsContentDone = (): MethodDecorator => OnStreamHook('logprobs.content.done');
/** Log probabilities of new refusal tokens. */
export const OnLogprobsRefusalDelta = (): MethodDecorator => OnStreamHook('logprobs.refusal.delta');
/** All refusal log probabilities. */
export const OnLogprobsRefusalDone = (): MethodDecorator => OnStreamHook('logprobs.refusal.done');
/** Each piece of reasoning text. */
export const OnReasoningDelta = (): MethodDecorator => OnStreamHook('reasoning.delta');
/** The full reasoning text of a turn. */
export const OnReasoningDone = (): MethodDecorator => OnStreamHook('reasoning.done');
/** A model request is about to be sent. */
export const OnIterationStarted = (): MethodDecorator => OnStreamHook('iteration.started');
/** A model answer is complete. */
export const OnIterationCompleted = (): MethodDecorator => OnStreamHook('iteration.completed');
/** A failed model request is sent again (`retry`, `fallbackModels`): drop what the failed attempt's stream events built. */
export const OnStreamRetry = (): MethodDecorator => OnStreamHook('stream.retry');
/** A tool call is about to run. */
export const OnToolCallStarted = (): MethodDecorator => OnStreamHook('tool_call.started');
/** A tool call returned. */
export const OnToolCallCompleted = (): MethodDecorator => OnStreamHook('tool_call.completed');
/** A tool call failed. */
export const OnToolCallFailed = (): MethodDecorator => OnStreamHook('tool_call.failed');
/** A running tool call reported progress (e.g. an MCP server's progress notification). */
export const OnToolCallProgress = (): MethodDecorator => OnStreamHook('tool_call.progress');
/** The run finished. */
export const OnRunCompleted = (): MethodDecorator => OnStreamHook('run.completed');
/** The run failed. */
export const OnRunFailed = (): MethodDecorator => OnStreamHook('run.failed');
/** The run stopped: calls wait for a person's approval (`event.state`). */
export const OnRunInterrupted = (): MethodDecorator => OnStreamHook('run.interrupted');
/** A checkpoint: the run's state after a model turn or its tool batch (`event.state`). */
export const OnCheckpoint = (): MethodDecorator => OnStreamHook('run.checkpoint');
