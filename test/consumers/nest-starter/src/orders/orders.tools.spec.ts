import { Test } from '@nestjs/testing';
import { ToolArgumentsError, toolsFromToolset } from 'chat-cmpl-stream-handler';
import { OrdersRepository } from './orders.repository';
import { OrdersTools } from './orders.tools';

describe('OrdersTools', () => {
  let tools: OrdersTools;

  beforeAll(async () => {
    const app = await Test.createTestingModule({
      providers: [OrdersRepository, OrdersTools],
    }).compile();
    tools = app.get(OrdersTools);
  });

  const call = (args: unknown) => ({
    id: 'call_1',
    type: 'function' as const,
    function: { name: 'orders__order_status', arguments: JSON.stringify(args) },
  });

  it('offers a strict tool built from the DTO', () => {
    const [tool] = toolsFromToolset(tools);
    expect(tool.schema.function.name).toBe('orders__order_status');
    expect(tool.schema.function.strict).toBe(true);
    expect(tool.schema.function.parameters).toMatchObject({
      required: ['orderId', 'reason'],
      additionalProperties: false,
    });
  });

  it('validates the arguments before the method runs', async () => {
    const [tool] = toolsFromToolset(tools);
    const context = { userId: 'cus_7' };
    const options = { signal: new AbortController().signal, iteration: 0 };
    const ok = await tool.invoke(
      call({ orderId: 'ord_1001', reason: null }),
      context,
      options,
    );
    expect(ok).toMatchObject({ content: '{"orderId":"ord_1001","status":"shipped"}' });
    await expect(
      tool.invoke(call({ orderId: '1001', reason: null }), context, options),
    ).rejects.toBeInstanceOf(ToolArgumentsError);
  });
});
