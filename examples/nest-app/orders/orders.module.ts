import { Module } from '@nestjs/common';
import { OrdersRepository } from './orders.repository.js';
import { OrdersTools } from './orders.tools.js';

/** Orders: the repository and the tools over it. ChatToolsModule finds OrdersTools by its @Toolset decorator; nothing to export. */
@Module({
  providers: [OrdersRepository, OrdersTools],
  exports: [OrdersRepository],
})
export class OrdersModule {}
