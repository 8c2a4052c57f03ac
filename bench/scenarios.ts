/** The scripted replies of each benchmark scenario. */
import { reply, toolCall, type ScriptedReply } from 'chat-cmpl-stream-handler/testing';

export const TEXT_CHUNKS = 20_000;
export const LOOP_ITERATIONS = 20;

export const scenarios: Record<string, () => ScriptedReply[]> = {
  /** One answer of 20k content chunks. */
  text: () => [reply.text('abcd'.repeat(TEXT_CHUNKS), { chunkSize: 4 })],
  /** 20 iterations with one call each, arguments in ~100 fragments, then a 5k-chunk answer. */
  loop: () => [
    ...Array.from({ length: LOOP_ITERATIONS }, (_, i) =>
      reply.toolCalls(toolCall('step', { i, note: 'x'.repeat(380) }), { argumentChunkSize: 4 }),
    ),
    reply.text('abcd'.repeat(5_000), { chunkSize: 4 }),
  ],
  /** 8 calls in one message, then a short answer. */
  parallel: () => [reply.toolCalls(Array.from({ length: 8 }, (_, i) => toolCall('slow', { i }))), reply.text('done')],
};

