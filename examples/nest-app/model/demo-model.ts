import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { DEFAULT_REJECTION_MESSAGE } from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall, type ScriptedReply } from 'chat-cmpl-stream-handler/testing';

/**
 * Starts a ScriptedChatServer that stands in for the model when there is no OPENAI_API_KEY. It
 * never runs out of replies: each reply queues the next. Its "model" is a few rules: a message
 * naming an order and "cancel" cancels it, one naming an order and "refund" refunds it (a call that
 * waits for the customer's approval), one naming an order looks it up, anything else lists the
 * orders; after a tool result it streams an answer made from it.
 */
export async function startDemoModel(): Promise<ScriptedChatServer> {
  const server = await ScriptedChatServer.start();
  const nextReply = (): ScriptedReply =>
    reply.dynamic((request) => {
      server.enqueue(nextReply());
      return demoReply((request.body as { messages: ChatCompletionMessageParam[] }).messages);
    });
  server.enqueue(nextReply());
  return server;
}

function demoReply(messages: readonly ChatCompletionMessageParam[]): ScriptedReply {
  const last = messages.at(-1);
  if (last?.role === 'tool') {
    const content = String(last.content);
    const answer = content === DEFAULT_REJECTION_MESSAGE ? 'All right, I did not do that. Anything else I can help with?' : summarize(content);
    return reply.text(answer, { chunkSize: 6, delayMs: 10 });
  }
  const text = typeof last?.content === 'string' ? last.content : '';
  const orderId = /ord_\d+/.exec(text)?.[0];
  if (orderId && /cancel/i.test(text)) return reply.toolCalls(toolCall('orders__cancel_order', { orderId, reason: 'changed_mind', note: null }));
  if (orderId && /refund/i.test(text)) return reply.toolCalls(toolCall('orders__refund_order', { orderId, reason: /damaged|broken/i.test(text) ? 'damaged' : 'changed_mind' }));
  if (orderId) return reply.toolCalls(toolCall('orders__lookup_order', { orderId }));
  return reply.toolCalls(toolCall('orders__list_orders', {}));
}

/** What the demo model says about a tool result: orders in words, any other text as it is. */
function summarize(toolOutput: string): string {
  let value: unknown;
  try {
    value = JSON.parse(toolOutput);
  } catch {
    return toolOutput;
  }
  const orders = (Array.isArray(value) ? value : [value]) as { id?: unknown; item?: unknown; status?: unknown }[];
  if (orders.length === 0) return 'You have no orders.';
  const lines = orders.map((order) => `${String(order.id)}: ${String(order.item)} (${String(order.status)})`);
  return `Your order${lines.length > 1 ? 's' : ''}: ${lines.join('; ')}.`;
}
