import { Module } from '@nestjs/common';
import { OrdersRepository } from './orders.repository';
import { OrdersTools } from './orders.tools';

@Module({ providers: [OrdersRepository, OrdersTools] })
export class OrdersModule {}
