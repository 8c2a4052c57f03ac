import { IsIn, IsString, Matches } from 'class-validator';
import { Describe } from 'chat-cmpl-stream-handler';

/** Arguments of `orders__refund_order`. */
export class RefundOrder {
  @Describe('Order id, e.g. ord_1002') @IsString() @Matches(/^ord_\d+$/) orderId!: string;
  @Describe('Why the customer wants their money back') @IsIn(['damaged', 'not_as_described', 'changed_mind']) reason!: string;
}
