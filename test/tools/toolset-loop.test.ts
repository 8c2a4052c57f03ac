import { expect } from 'chai';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, ValidateNested, ArrayMinSize } from 'class-validator';
import {
  Describe,
  schemaFromClass,
  streamUntilUserInput,
  streamUntilUserInputEvents,
  Tool,
  ToolArgumentsError,
  ToolConfigurationError,
  Toolset,
  type ToolCallFailedEvent,
  type ToolContext,
} from 'chat-cmpl-stream-handler';
import { reply, ScriptedChatServer, toolCall, type RecordedRequest } from 'chat-cmpl-stream-handler/testing';
import { collect, rejectionOf, user } from '../support/helpers.js';
import { expectStrict } from './strict-schema.js';

class GetWeather {
  @Describe('City name, e.g. Tokyo') @IsString() @Length(1, 80) city!: string;
  @Describe('Unit') @IsOptional() @IsIn(['c', 'f']) unit?: 'c' | 'f';
}

class WeatherApi {
  readonly calls: [string, string][] = [];
  now(city: string, unit: string): string {
    this.calls.push([city, unit]);
    return `18°${unit.toUpperCase()} and clear in ${city}`;
  }
}

@Toolset({ prefix: 'weather' })
class WeatherTools {
  constructor(private readonly api: WeatherApi) {}

  @Tool({ description: 'Current weather for a city' })
  async getWeather(args: GetWeather, _ctx: ToolContext<{ userId: string }>): Promise<string> {
    return this.api.now(args.city, args.unit ?? 'c');
  }
}

/** The content of the last tool message the model received. */
function lastToolMessage(request: RecordedRequest): string {
  const messages = request.body.messages as { role: string; content: string }[];
  const tool = messages.filter((message) => message.role === 'tool').at(-1);
  if (!tool) throw new Error('the request has no tool message');
  return tool.content;
}

describe('@Toolset instances in a tool loop (ScriptedChatServer)', () => {
  let server: ScriptedChatServer;
  afterEach(async () => server?.close({ force: true }));

  it('tells the model what is wrong with its arguments, and the corrected call reaches the method', async () => {
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('weather__get_weather', '{"city": "Tok', { id: 'call_1' })),
        reply.toolCalls(toolCall('weather__get_weather', { city: '', unit: 'kelvin', country: 'JP' }, { id: 'call_2' })),
        reply.toolCalls(toolCall('weather__get_weather', { city: 'Tokyo', unit: null }, { id: 'call_3' })),
        reply.text('It is 18°C and clear in Tokyo.'),
      ],
    });
    const api = new WeatherApi();
    const events = await collect(
      streamUntilUserInputEvents({
        client: server.client(),
        model: 'gpt-4.1-nano',
        messages: [user('Weather in Tokyo?')],
        tools: [new WeatherTools(api)],
        context: { userId: 'u1' },
      }),
    );

    expect(server.requests[0]!.body.tools).to.deep.equal([
      {
        type: 'function',
        function: { name: 'weather__get_weather', description: 'Current weather for a city', parameters: schemaFromClass(GetWeather), strict: true },
      },
    ]);
    expectStrict(server.requests[0]!.body.tools[0].function.parameters);

    const toolMessages = (request: RecordedRequest) => request.body.messages.filter((message: { role: string }) => message.role === 'tool');
    expect(toolMessages(server.requests[1]!)).to.have.length(1);
    expect(toolMessages(server.requests[1]!)[0].tool_call_id).to.equal('call_1');
    expect(lastToolMessage(server.requests[1]!)).to.match(
      /^Invalid arguments for tool "weather__get_weather":\n- \(arguments\): not valid JSON \(.+\)\nFix the arguments and call the tool again\.$/,
    );
    expect(lastToolMessage(server.requests[2]!)).to.equal(
      [
        'Invalid arguments for tool "weather__get_weather":',
        '- country: unknown property; the allowed properties are: city, unit (whitelist)',
        '- city: must be longer than or equal to 1 characters (isLength)',
        '- unit: must be one of the following values: c, f (isIn)',
        'Fix the arguments and call the tool again.',
      ].join('\n'),
    );
    expect(lastToolMessage(server.requests[3]!)).to.equal('18°C and clear in Tokyo');
    expect(api.calls).to.deep.equal([['Tokyo', 'c']]);

    const failed = events.filter((event): event is ToolCallFailedEvent => event.type === 'tool_call.failed');
    expect(failed.map((event) => event.toolCall.id)).to.deep.equal(['call_1', 'call_2']);
    expect(failed.every((event) => event.error instanceof ToolArgumentsError)).to.equal(true);
    expect(events.filter((event) => event.type === 'tool_call.completed')).to.have.length(1);
    const completed = events.at(-1)!;
    expect(completed.type).to.equal('run.completed');
    expect(completed.type === 'run.completed' && completed.result.finalContent).to.equal('It is 18°C and clear in Tokyo.');
  });

  it('runs a three-step pipeline where each output names the next call, with the same context in every method', async () => {
    class FindCustomer {
      @IsEmail() email!: string;
    }
    class ListOrders {
      @IsString() @Matches(/^cus_\d+$/) customerId!: string;
    }
    class RefundLine {
      @IsString() sku!: string;
    }
    class RefundOrder {
      @IsString() orderId!: string;
      @ValidateNested({ each: true }) @Type(() => RefundLine) @ArrayMinSize(1) lines!: RefundLine[];
      @IsIn(['damaged', 'late']) reason!: 'damaged' | 'late';
    }

    interface Shop {
      customers: Record<string, string>;
      orders: Record<string, { id: string; skus: string[] }[]>;
      refunds: string[];
    }
    interface RunContext {
      tenant: string;
    }

    @Toolset({ prefix: 'shop' })
    class ShopTools {
      readonly seen: { method: string; context: RunContext; iteration: number }[] = [];
      constructor(private readonly shop: Shop) {}

      @Tool({ description: 'Find a customer by email' })
      async findCustomer(args: FindCustomer, ctx: ToolContext<RunContext>) {
        this.seen.push({ method: 'findCustomer', context: ctx.context, iteration: ctx.iteration });
        const customerId = this.shop.customers[args.email]!;
        return { customerId, next: { tool: 'shop__list_orders', arguments: { customerId } } };
      }

      @Tool({ description: "List a customer's orders" })
      async listOrders(args: ListOrders, ctx: ToolContext<RunContext>) {
        this.seen.push({ method: 'listOrders', context: ctx.context, iteration: ctx.iteration });
        const [latest] = this.shop.orders[args.customerId]!;
        return { orders: this.shop.orders[args.customerId], next: { tool: 'shop__refund_order', arguments: { orderId: latest!.id, lines: latest!.skus.map((sku) => ({ sku })), reason: 'damaged' } } };
      }

      @Tool({ description: 'Refund an order' })
      async refundOrder(args: RefundOrder, ctx: ToolContext<RunContext>) {
        this.seen.push({ method: 'refundOrder', context: ctx.context, iteration: ctx.iteration });
        this.shop.refunds.push(`${args.orderId}:${args.lines.map((line) => line.sku).join('+')}:${args.reason}`);
        return `Refunded ${args.orderId} (${args.lines.length} line(s)) for tenant ${ctx.context.tenant}`;
      }
    }

    // The scripted model follows whatever call the previous tool output names.
    const followNext = reply.dynamic((request) => {
      const { next } = JSON.parse(lastToolMessage(request)) as { next: { tool: string; arguments: Record<string, unknown> } };
      return reply.toolCalls(toolCall(next.tool, next.arguments));
    });
    server = await ScriptedChatServer.start({
      script: [
        reply.toolCalls(toolCall('shop__find_customer', { email: 'ann@example.com' })),
        followNext,
        followNext,
        reply.dynamic((request) => reply.text(`Done: ${lastToolMessage(request)}`)),
      ],
    });
    const shop: Shop = {
      customers: { 'ann@example.com': 'cus_42' },
      orders: { cus_42: [{ id: 'ord_7', skus: ['mug', 'tea'] }] },
      refunds: [],
    };
    const tools = new ShopTools(shop);
    const context: RunContext = { tenant: 'acme' };

    const result = await streamUntilUserInput({
      client: server.client(),
      model: 'gpt-4.1-nano',
      messages: [user('Refund my last order, it arrived damaged. I am ann@example.com')],
      tools: [tools],
      context,
    });

    expect(shop.refunds).to.deep.equal(['ord_7:mug+tea:damaged']);
    expect(tools.seen.map((entry) => [entry.method, entry.iteration])).to.deep.equal([
      ['findCustomer', 0],
      ['listOrders', 1],
      ['refundOrder', 2],
    ]);
    for (const entry of tools.seen) expect(entry.context).to.equal(context);
    expect(result.finalContent).to.equal('Done: Refunded ord_7 (2 line(s)) for tenant acme');
    for (const tool of server.requests[0]!.body.tools) expectStrict(tool.function.parameters);
  });

  it('applies a @Tool timeout in the loop and tells the model', async () => {
    @Toolset()
    class Slow {
      @Tool({ timeout: 30, input: null })
      async crawl(_args: object, ctx: ToolContext): Promise<string> {
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        return 'never sent';
      }
    }
    server = await ScriptedChatServer.start({ script: [reply.toolCalls(toolCall('crawl', {})), reply.text('It took too long.')] });
    const result = await streamUntilUserInput({ client: server.client(), model: 'gpt-4.1-nano', messages: [user('Crawl')], tools: [new Slow()] });
    expect(lastToolMessage(server.requests[1]!)).to.equal('Error: tool "crawl" failed: Tool "crawl" timed out after 30 ms.');
    expectStrict(server.requests[0]!.body.tools[0].function.parameters);
    expect(result.finalContent).to.equal('It took too long.');
  });

  it('fails before the first request when a class has @Tool methods but no @Toolset', async () => {
    class Forgotten {
      @Tool()
      async getWeather(args: GetWeather): Promise<string> {
        return args.city;
      }
    }
    server = await ScriptedChatServer.start({ script: [] });
    const error = await rejectionOf(
      streamUntilUserInput({ client: server.client(), model: 'gpt-4.1-nano', messages: [user('Hi')], tools: [new Forgotten()] }),
    );
    expect(error).to.be.instanceOf(ToolConfigurationError);
    expect(error.message).to.equal('Forgotten has @Tool methods but no @Toolset decorator: add @Toolset() to the class.');
    expect(server.requests).to.have.length(0);
  });
});
