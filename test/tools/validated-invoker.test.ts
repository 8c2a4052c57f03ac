import { expect } from 'chai';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { Tool, ToolArgumentsError, Toolset, toolsFromToolset, type ToolCall } from 'chat-cmpl-stream-handler';
import { rejectionOf } from '../support/helpers.js';
import { expectStrictTools } from './strict-schema.js';

class OrderItem {
  @IsString() @Length(1, 20) sku!: string;
  @IsInt() @Min(1) qty!: number;
  @IsOptional() @IsString() giftNote?: string;
}

class PlaceOrder {
  @IsString() customer!: string;
  @IsOptional() @IsIn(['standard', 'express']) shipping: 'standard' | 'express' = 'standard';
  @IsOptional() @IsString() note?: string;
  @ValidateNested({ each: true }) @Type(() => OrderItem) @ArrayMinSize(1) items!: OrderItem[];
}

class Coupon {
  @IsString() @Matches(/^save\d+$/i) code!: string;
}

@Toolset()
class Orders {
  readonly received: unknown[] = [];

  @Tool()
  async placeOrder(args: PlaceOrder): Promise<string> {
    this.received.push(args);
    return `placed ${args.items.length} item(s)`;
  }

  @Tool()
  async redeem(args: Coupon): Promise<string> {
    this.received.push(args);
    return `redeemed ${args.code}`;
  }
}

const call = (name: string, args: unknown): ToolCall => ({
  id: 'call_1',
  type: 'function',
  function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
});
const options = { signal: new AbortController().signal, iteration: 0 };

async function invoke(orders: Orders, name: string, args: unknown): Promise<unknown> {
  const tools = toolsFromToolset(orders);
  expectStrictTools(tools);
  const tool = tools.find((candidate) => candidate.schema.function.name === name)!;
  return tool.invoke(call(name, args), undefined, options);
}

describe('validated @Tool invokers', () => {
  it('hand the method a real DTO instance with nested instances; nulls of optional fields count as absent', async () => {
    const orders = new Orders();
    const result = await invoke(orders, 'place_order', { customer: 'Ann', shipping: null, note: null, items: [{ sku: 'A-1', qty: 2, giftNote: null }] });
    expect(result).to.have.property('content', 'placed 1 item(s)');
    const args = orders.received[0] as PlaceOrder;
    expect(args).to.be.instanceOf(PlaceOrder);
    expect(args.items[0]).to.be.instanceOf(OrderItem);
    expect(args.shipping, 'the property initialiser survives a null').to.equal('standard');
    expect(Object.hasOwn(args, 'note')).to.equal(false);
    expect(Object.hasOwn(args.items[0]!, 'giftNote'), 'nested optional null').to.equal(false);
  });

  it('never call the method with invalid fields, and name each field path and constraint', async () => {
    const orders = new Orders();
    const error = await rejectionOf(
      Promise.resolve(
        invoke(orders, 'place_order', {
          customer: 42,
          shipping: 'overnight',
          items: [{ sku: 'A-1', qty: 1 }, { sku: 'B-2', qty: 1 }, { sku: '', qty: 0, colour: 'red' }],
        }),
      ),
    );
    expect(error).to.be.instanceOf(ToolArgumentsError);
    expect(error.toolName).to.equal('place_order');
    expect(error.message).to.equal(
      [
        'Invalid arguments for tool "place_order":',
        '- customer: must be a string, got 42 (type)',
        '- items[2].colour: unknown property; the allowed properties are: sku, qty, giftNote (whitelist)',
        '- shipping: must be one of the following values: standard, express (isIn)',
        '- items[2].sku: must be longer than or equal to 1 characters (isLength)',
        '- items[2].qty: must not be less than 1 (min)',
        'Fix the arguments and call the tool again.',
      ].join('\n'),
    );
    expect(error.issues).to.deep.include({ path: 'items[2].qty', message: 'must not be less than 1 (min)' });
    expect(orders.received).to.deep.equal([]);
  });

  it('reject unknown top-level properties, listing the allowed ones', async () => {
    const error = await rejectionOf(Promise.resolve(invoke(new Orders(), 'redeem', { code: 'SAVE10', discount: 5 })));
    expect(error.issues).to.deep.equal([{ path: 'discount', message: 'unknown property; the allowed properties are: code (whitelist)' }]);
  });

  it('reject text that is not JSON, and JSON that is not an object', async () => {
    const orders = new Orders();
    const notJson = await rejectionOf(Promise.resolve(invoke(orders, 'redeem', '{"code": "SAVE1')));
    expect(notJson).to.be.instanceOf(ToolArgumentsError);
    expect(notJson.message).to.match(/^Invalid arguments for tool "redeem":\n- \(arguments\): not valid JSON \(/);
    const array = await rejectionOf(Promise.resolve(invoke(orders, 'redeem', '["SAVE1"]')));
    expect(array.issues).to.deep.equal([{ path: '', message: 'must be a JSON object, got an array' }]);
    expect(orders.received).to.deep.equal([]);
  });

  it('still enforce a validator the schema cannot state (a case-insensitive pattern)', async () => {
    const orders = new Orders();
    expect(await invoke(orders, 'redeem', { code: 'SAVE10' })).to.have.property('content', 'redeemed SAVE10');
    const error = await rejectionOf(Promise.resolve(invoke(orders, 'redeem', { code: 'spend10' })));
    expect(error.issues).to.deep.equal([{ path: 'code', message: 'must match /^save\\d+$/i regular expression (matches)' }]);
  });
});
