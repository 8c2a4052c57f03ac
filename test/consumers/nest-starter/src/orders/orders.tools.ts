import { Injectable } from '@nestjs/common';
import { Tool, ToolResult, Toolset, type ToolContext } from 'chat-cmpl-stream-handler';
import { OrderStatus } from './order-status.dto';
import { OrdersRepository } from './orders.repository';

@Injectable()
@Toolset({ prefix: 'orders', tags: ['support'] })
export class OrdersTools {
  constructor(private readonly orders: OrdersRepository) {}

  @Tool({ description: 'The status of an order of the current customer' })
  async orderStatus(args: OrderStatus, ctx: ToolContext<{ userId: string }>) {
    if (!(args instanceof OrderStatus)) throw new Error('the arguments are not an OrderStatus instance');
    const order = this.orders.find(args.orderId, ctx.context.userId);
    if (!order) return ToolResult.error(`No order ${args.orderId} for this customer.`);
    return { orderId: order.id, status: order.status };
  }
}
