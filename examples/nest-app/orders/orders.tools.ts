import { Injectable } from '@nestjs/common';
import { Tool, ToolResult, Toolset, type ToolContext } from 'chat-cmpl-stream-handler';
import type { ChatSession } from '../chat-session.js';
import { CancelOrder } from './cancel-order.dto.js';
import { LookupOrder } from './lookup-order.dto.js';
import type { Order } from './order.js';
import { OrdersRepository } from './orders.repository.js';
import { RefundOrder } from './refund-order.dto.js';

/**
 * The orders tools the support agent may call. A singleton like any provider: who is asking comes
 * from the run's context (`ctx.context.userId`), so a customer only ever sees their own orders.
 * `refund_order` pays money out, so it waits for the customer's approval (`needsApproval`): the run
 * pauses, the chat page shows Approve / Reject, and it runs only once approved.
 */
@Injectable()
@Toolset({ prefix: 'orders', tags: ['support'], description: "The current customer's orders" })
export class OrdersTools {
  constructor(private readonly orders: OrdersRepository) {}

  @Tool({ input: null, description: "List the current customer's orders" })
  async listOrders(_args: unknown, ctx: ToolContext<ChatSession>): Promise<Order[]> {
    return this.orders.findByCustomer(ctx.context.userId);
  }

  @Tool({ description: "Look up one of the current customer's orders" })
  async lookupOrder(args: LookupOrder, ctx: ToolContext<ChatSession>): Promise<Order | ToolResult> {
    return this.orders.findForCustomer(args.orderId, ctx.context.userId) ?? ToolResult.error(`No order ${args.orderId} for this customer.`);
  }

  @Tool({ description: 'Cancel an order of the current customer that has not shipped yet' })
  async cancelOrder(args: CancelOrder, ctx: ToolContext<ChatSession>): Promise<string | ToolResult> {
    const order = this.orders.findForCustomer(args.orderId, ctx.context.userId);
    if (!order) return ToolResult.error(`No order ${args.orderId} for this customer.`);
    if (order.status !== 'processing') return ToolResult.error(`Order ${order.id} is ${order.status} and can no longer be cancelled.`);
    this.orders.cancel(order.id);
    return `Cancelled ${order.id} (${order.item}); reason: ${args.reason}${args.note ? `, note: ${args.note}` : ''}.`;
  }

  @Tool({ description: 'Refund a shipped order of the current customer (the customer approves it before it runs)', needsApproval: true })
  async refundOrder(args: RefundOrder, ctx: ToolContext<ChatSession>): Promise<string | ToolResult> {
    const order = this.orders.findForCustomer(args.orderId, ctx.context.userId);
    if (!order) return ToolResult.error(`No order ${args.orderId} for this customer.`);
    if (order.status !== 'shipped') return ToolResult.error(`Order ${order.id} is ${order.status}; only shipped orders can be refunded.`);
    const refund = this.orders.refund(order.id, args.reason);
    return `Refunded ${formatCents(refund.amountCents)} for ${order.id} (${order.item}); reason: ${args.reason}.`;
  }
}

function formatCents(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
