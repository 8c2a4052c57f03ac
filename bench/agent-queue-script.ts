/** The scripted model and tools of the agent-queue benchmark. */
import { FunctionTool } from 'chat-cmpl-stream-handler';
import { reply, toolCall, type RecordedRequest, type ScriptedReply } from 'chat-cmpl-stream-handler/testing';

/** Deltas of the long answer. */
export const LONG_ANSWER_DELTAS = 20_000;

/**
 * One reply of a short run, chosen from the request so that concurrent runs never get each other's:
 * the first request calls `lookup`, the one after the tool message answers in 8 deltas.
 */
export function shortRunReply(): ScriptedReply {
  return reply.dynamic((request: RecordedRequest) => {
    const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
    const question = messages.find((m) => m.role === 'user')!.content;
    return messages.at(-1)!.role === 'tool' ? reply.text(`Done: ${question}, all good.`, { chunkSize: 4 }) : reply.toolCalls(toolCall('lookup', { note: question }));
  });
}

/** A 20k-delta answer (like the text scenario of the engine benchmark). */
export function longAnswer(): ScriptedReply {
  return reply.text('abcd'.repeat(LONG_ANSWER_DELTAS), { chunkSize: 4 });
}

/** The short run's tool. */
export function shortRunTools(): FunctionTool[] {
  return [new FunctionTool({ name: 'lookup', execute: ({ note }: { note: string }) => `found ${note}` })];
}
