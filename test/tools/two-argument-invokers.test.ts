/*
 * Issue 11 item 11: the seed called invokers as `(toolCall, context)`. Every invoker the library builds
 * must work that way too (the third argument, `{ signal, iteration }`, is optional).
 */
import { expect } from 'chai';
import { IsString } from 'class-validator';
import { buildToolsAndInvokers, FunctionTool, Tool, Toolset, toolsFromToolset, type ToolCall, type ToolContext } from 'chat-cmpl-stream-handler';

class Greet {
  @IsString() name!: string;
}

@Toolset()
class Greeter {
  @Tool()
  async greet(args: Greet, ctx: ToolContext<{ lang: string }>): Promise<string> {
    return `${ctx.context.lang === 'fr' ? 'Bonjour' : 'Hello'} ${args.name} (signal aborted: ${ctx.signal.aborted}, iteration ${ctx.iteration})`;
  }

  @Tool({ timeout: 1_000 })
  async greetWithTimeout(args: Greet, ctx: ToolContext): Promise<string> {
    return `Hi ${args.name} (signal aborted: ${ctx.signal.aborted})`;
  }
}

const call = (name: string, args: unknown): ToolCall => ({ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(args) } });

describe('invokers called the seed way, (toolCall, context)', () => {
  it('a @Tool invoker gets a signal that is not aborted and iteration 0', async () => {
    const [tool] = toolsFromToolset(new Greeter());
    const result = await tool!.invoke(call('greet', { name: 'Ann' }), { lang: 'fr' });
    expect(result).to.have.property('content', 'Bonjour Ann (signal aborted: false, iteration 0)');
  });

  it('buildToolsAndInvokers invokers, with and without a timeout', async () => {
    const { toolInvokers } = buildToolsAndInvokers(new Greeter());
    expect(await toolInvokers['greet']!(call('greet', { name: 'Bo' }), { lang: 'en' })).to.have.property(
      'content',
      'Hello Bo (signal aborted: false, iteration 0)',
    );
    expect(await toolInvokers['greet_with_timeout']!(call('greet_with_timeout', { name: 'Cy' }), undefined)).to.have.property(
      'content',
      'Hi Cy (signal aborted: false)',
    );
  });

  it('a FunctionTool hands execute a live signal and iteration 0', async () => {
    const seen: unknown[] = [];
    const tool = new FunctionTool({
      name: 'probe',
      execute: (_args, context, options) => {
        seen.push({ context, aborted: options.signal.aborted, iteration: options.iteration, id: options.toolCall.id });
        return 'ok';
      },
    });
    expect(await tool.invoke(call('probe', {}), 'ctx')).to.have.property('content', 'ok');
    expect(seen).to.deep.equal([{ context: 'ctx', aborted: false, iteration: 0, id: 'call_1' }]);
  });
});
