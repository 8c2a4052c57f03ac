import { IsString, Matches } from 'class-validator';
import { Describe } from 'chat-cmpl-stream-handler';

/** Arguments of `orders__lookup_order`. */
export class LookupOrder {
  @Describe('Order id, e.g. ord_1001') @IsString() @Matches(/^ord_\d+$/) orderId!: string;
}
