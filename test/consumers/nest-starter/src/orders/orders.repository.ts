import { Injectable } from '@nestjs/common';

export interface Order {
  id: string;
  customerId: string;
  status: 'processing' | 'shipped' | 'cancelled';
}

@Injectable()
export class OrdersRepository {
  private readonly orders: Order[] = [
    { id: 'ord_1001', customerId: 'cus_7', status: 'shipped' },
    { id: 'ord_1002', customerId: 'cus_7', status: 'processing' },
  ];

  find(id: string, customerId: string): Order | undefined {
    return this.orders.find((order) => order.id === id && order.customerId === customerId);
  }
}
