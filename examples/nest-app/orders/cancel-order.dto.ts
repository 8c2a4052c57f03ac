import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Describe } from 'chat-cmpl-stream-handler';

/** Arguments of `orders__cancel_order`. */
export class CancelOrder {
  @Describe('Order id, e.g. ord_1001') @IsString() @Matches(/^ord_\d+$/) orderId!: string;
  @Describe('Why the customer cancels') @IsIn(['changed_mind', 'found_cheaper', 'too_slow']) reason!: string;
  @Describe('Anything else the customer said') @IsOptional() @IsString() @MaxLength(200) note?: string;
}
