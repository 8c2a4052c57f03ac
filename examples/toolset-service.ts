/**
 * A service class whose methods are tools: `node build/examples/toolset-service.js` (after `npm run build:test`).
 * With OPENAI_API_KEY set it talks to OpenAI (model from OPENAI_MODEL, default gpt-4.1-nano); without it,
 * to the built-in ScriptedChatServer, whose scripted model first sends an invalid argument, reads the
 * validation message and corrects itself.
 */
import OpenAI from 'openai';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  ChatCompletionStreamHandler,
  Describe,
  streamUntilUserInput,
  Tool,
  ToolResult,
  Toolset,
  type ContentDeltaEvent,
  type ToolCallCompletedEvent,
  type ToolCallFailedEvent,
  type ToolCallStartedEvent,
  type ToolContext,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall } from 'chat-cmpl-stream-handler/testing';

interface Order {
  id: string;
  customerId: string;
  item: string;
  status: 'processing' | 'shipped' | 'cancelled';
}

/** The dependency the toolset gets through its constructor (a database repository in real life). */
class OrderRepository {
  private readonly orders = new Map<string, Order>([
    ['ord_1001', { id: 'ord_1001', customerId: 'cus_7', item: 'Espresso machine', status: 'processing' }],
    ['ord_1002', { id: 'ord_1002', customerId: 'cus_7', item: 'Coffee grinder', status: 'shipped' }],
  ]);

  find(id: string): Order | undefined {
    return this.orders.get(id);
  }

  cancel(id: string): Order {
    const order = this.orders.get(id)!;
    order.status = 'cancelled';
    return order;
  }
}

class LookupOrder {
  @Describe('Order id, e.g. ord_1001') @IsString() @Matches(/^ord_\d+$/) orderId!: string;
}

class CancelOrder {
  @Describe('Order id, e.g. ord_1001') @IsString() @Matches(/^ord_\d+$/) orderId!: string;
  @Describe('Why the customer cancels') @IsIn(['changed_mind', 'found_cheaper', 'too_slow']) reason!: string;
  @Describe('Anything else the customer said') @IsOptional() @IsString() @MaxLength(200) note?: string;
}

/** Who is asking: passed as the run's `context`, never chosen by the model. */
interface Session {
  customerId: string;
}

@Toolset({ prefix: 'orders' })
class OrderTools {
  constructor(private readonly repository: OrderRepository) {}

  @Tool({ description: "Look up one of the current customer's orders" })
  async lookupOrder(args: LookupOrder, ctx: ToolContext<Session>): Promise<Order | ToolResult> {
    const order = this.repository.find(args.orderId);
    if (!order || order.customerId !== ctx.context.customerId) return ToolResult.error(`No order ${args.orderId} for this customer.`);
    return order;
  }

  @Tool({ description: 'Cancel an order that has not shipped yet' })
  async cancelOrder(args: CancelOrder, ctx: ToolContext<Session>): Promise<string | ToolResult> {
    const order = this.repository.find(args.orderId);
    if (!order || order.customerId !== ctx.context.customerId) return ToolResult.error(`No order ${args.orderId} for this customer.`);
    if (order.status !== 'processing') return ToolResult.error(`Order ${order.id} is ${order.status} and can no longer be cancelled.`);
    this.repository.cancel(order.id);
    return `Cancelled ${order.id} (${order.item}); reason: ${args.reason}${args.note ? `, note: ${args.note}` : ''}.`;
  }
}

class Printer extends ChatCompletionStreamHandler {
  override async onContentDelta(event: ContentDeltaEvent) {
    process.stdout.write(event.delta);
  }
  override async onToolCallStarted(event: ToolCallStartedEvent) {
    console.log(`[calling] ${event.toolCall.function.name}(${event.toolCall.function.arguments})`);
  }
  override async onToolCallCompleted(event: ToolCallCompletedEvent) {
    console.log(`[result]  ${event.result.content}`);
  }
  override async onToolCallFailed(event: ToolCallFailedEvent) {
    const told = event.result?.content ?? String(event.error);
    console.log(`[failed]  ${told.replaceAll('\n', '\n          ')}`);
  }
}

async function main() {
  let client: OpenAI;
  let server: ScriptedChatServer | undefined;
  if (process.env['OPENAI_API_KEY']) {
    console.log('Using OpenAI (OPENAI_API_KEY is set).');
    client = new OpenAI();
  } else {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('orders__lookup_order', { orderId: 'ord_1001' })),
        // An argument outside the schema: validation stops it and tells the model why.
        reply.toolCalls(toolCall('orders__cancel_order', { orderId: 'ord_1001', reason: 'no longer needed', note: null })),
        reply.toolCalls(toolCall('orders__cancel_order', { orderId: 'ord_1001', reason: 'changed_mind', note: 'No longer needed' })),
        reply.text('Done: your espresso machine order ord_1001 is cancelled.'),
      ],
    });
    console.log(`No OPENAI_API_KEY: using the built-in ScriptedChatServer at ${server.url}.`);
    client = server.client();
  }

  try {
    const repository = new OrderRepository();
    const result = await streamUntilUserInput({
      client,
      model: process.env['OPENAI_MODEL'] ?? 'gpt-4.1-nano',
      messages: [{ role: 'user', content: "Please cancel my order ord_1001, I don't need it anymore." }],
      tools: [new OrderTools(repository)],
      context: { customerId: 'cus_7' } satisfies Session,
      streamHandler: new Printer(),
    });
    console.log(`\n\nOrder status now: ${repository.find('ord_1001')?.status}; ${result.usages.length} model requests.`);
  } finally {
    await server?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
