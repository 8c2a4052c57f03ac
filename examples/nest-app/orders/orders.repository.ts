import { Injectable } from '@nestjs/common';
import type { Order } from './order.js';

const SEED: readonly Order[] = [
  { id: 'ord_1001', customerId: 'cus_7', item: 'Espresso machine', totalCents: 49_900, status: 'processing' },
  { id: 'ord_1002', customerId: 'cus_7', item: 'Coffee grinder', totalCents: 8_900, status: 'shipped' },
  { id: 'ord_2001', customerId: 'cus_9', item: 'Milk frother', totalCents: 3_900, status: 'processing' },
];

/** A refund paid out: the side effect a person must approve first. */
export interface Refund {
  orderId: string;
  customerId: string;
  amountCents: number;
  reason: string;
}

/** The orders store (an in-memory table here; a TypeORM/Prisma repository in a real app). */
@Injectable()
export class OrdersRepository {
  private readonly orders = new Map<string, Order>(SEED.map((order) => [order.id, { ...order }]));
  /** Every refund paid out, oldest first (a payment provider's ledger in a real app). */
  readonly refunds: Refund[] = [];

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

  /** Pays the order's total back and marks it refunded. */
  refund(id: string, reason: string): Refund {
    const order = this.orders.get(id);
    if (!order) throw new Error(`No order ${id}.`);
    order.status = 'refunded';
    const refund = { orderId: id, customerId: order.customerId, amountCents: order.totalCents, reason };
    this.refunds.push(refund);
    return refund;
  }
}
