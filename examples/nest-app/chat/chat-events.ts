import type { LifecycleEvent } from 'chat-cmpl-stream-handler';

/** What the client receives: the SSE event name and its JSON data. */
export type ChatStreamEvent =
  | { event: 'token'; data: { delta: string } }
  | { event: 'tool_call'; data: { id: string; name: string; arguments: string } }
  | { event: 'tool_result'; data: { id: string; name: string; content: string } }
  | { event: 'tool_failed'; data: { id: string; name: string; message: string } }
  | { event: 'approval'; data: ApprovalRequest }
  | { event: 'done'; data: { content: string | null; usage: unknown } }
  | { event: 'error'; data: { message: string } };

/**
 * Calls that wait for the customer's decision. The run's state stays on the server; the client
 * answers with `POST /chat/:runId/decisions`.
 */
export interface ApprovalRequest {
  runId: string;
  calls: { callId: string; toolName: string; arguments: unknown }[];
}

/** The client-facing event for an agent's lifecycle event, or `undefined` for events the client does not need. */
export function toChatStreamEvent(event: LifecycleEvent): ChatStreamEvent | undefined {
  switch (event.type) {
    case 'stream.event':
      return event.event.type === 'content.delta' ? { event: 'token', data: { delta: event.event.delta } } : undefined;
    case 'tool_call.started':
      return { event: 'tool_call', data: { id: event.toolCall.id, name: event.toolCall.function.name, arguments: event.toolCall.function.arguments } };
    case 'tool_call.completed':
      return { event: 'tool_result', data: { id: event.toolCall.id, name: event.toolCall.function.name, content: event.result.content } };
    case 'tool_call.failed':
      return {
        event: 'tool_failed',
        data: { id: event.toolCall.id, name: event.toolCall.function.name, message: event.result?.content ?? errorMessage(event.error) },
      };
    case 'run.completed':
      return { event: 'done', data: { content: event.result.finalContent, usage: event.result.totalUsage } };
    case 'run.interrupted':
      return {
        event: 'approval',
        data: {
          runId: event.state.runId,
          calls: event.interruptions.map((call) => ({ callId: call.toolCall.id, toolName: call.toolName, arguments: call.arguments })),
        },
      };
    case 'run.failed':
      return { event: 'error', data: { message: errorMessage(event.error) } };
    default:
      return undefined;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
