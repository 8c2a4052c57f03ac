import { Injectable } from '@nestjs/common';
import type { Order } from './order.js';

const SEED: readonly Order[] = [
  { id: 'ord_1001', customerId: 'cus_7', item: 'Espresso machine', status: 'processing' },
  { id: 'ord_1002', customerId: 'cus_7', item: 'Coffee grinder', status: 'shipped' },
  { id: 'ord_2001', customerId: 'cus_9', item: 'Milk frother', status: 'processing' },
];

/** The orders store (an in-memory table here; a TypeORM/Prisma repository in a real app). */
@Injectable()
export class OrdersRepository {
  private readonly orders = new Map<string, Order>(SEED.map((order) => [order.id, { ...order }]));

  /** The customer's orders. */
  findByCustomer(customerId: string): Order[] {
    return [...this.orders.values()].filter((order) => order.customerId === customerId);
  }

  /** One order of the customer, or `undefined` when it does not exist or belongs to someone else. */
  findForCustomer(id: string, customerId: string): Order | undefined {
    const order = this.orders.get(id);
    return order?.customerId === customerId ? order : undefined;
  }

  /** Marks an order cancelled. */
  cancel(id: string): Order {
    const order = this.orders.get(id);
    if (!order) throw new Error(`No order ${id}.`);
    order.status = 'cancelled';
    return order;
  }
}
