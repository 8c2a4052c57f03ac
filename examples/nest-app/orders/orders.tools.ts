import { Injectable } from '@nestjs/common';
import { Tool, ToolResult, Toolset, type ToolContext } from 'chat-cmpl-stream-handler';
import type { ChatSession } from '../chat-session.js';
import { CancelOrder } from './cancel-order.dto.js';
import { LookupOrder } from './lookup-order.dto.js';
import type { Order } from './order.js';
import { OrdersRepository } from './orders.repository.js';

/**
 * The orders tools the support agent may call. A singleton like any provider: who is asking comes
 * from the run's context (`ctx.context.userId`), so a customer only ever sees their own orders.
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
}
