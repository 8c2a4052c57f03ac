import { Describe } from 'chat-cmpl-stream-handler';
import { IsOptional, IsString, Matches } from 'class-validator';

export class OrderStatus {
  @Describe('The order id, e.g. ord_1001')
  @IsString()
  @Matches(/^ord_\d+$/)
  orderId!: string;

  @Describe('Why the customer asks, in a few words')
  @IsOptional()
  @IsString()
  reason?: string;
}
