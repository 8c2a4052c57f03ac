import { expect } from 'chai';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import {
  buildToolsAndInvokers,
  FunctionTool,
  schemaFromClass,
  Tool,
  ToolConfigurationError,
  ToolResult,
  Toolset,
  toolsFromToolset,
  ToolTimeoutError,
  type ToolCall,
  type ToolContext,
} from 'chat-cmpl-stream-handler';
import { rejectionOf, sleep } from '../support/helpers.js';
import { expectStrict, expectStrictTools } from './strict-schema.js';

class CityArgs {
  @IsString() city!: string;
}

class CountArgs {
  @IsInt() @Min(1) count!: number;
}

class Clock {
  now(): string {
    return '2026-11-27T10:00:00Z';
  }
}

@Toolset({ prefix: 'weather', description: 'Weather lookups' })
class WeatherTools {
  constructor(private readonly clock: Clock) {}

  @Tool({ description: 'Current weather for a city' })
  async getWeather(args: CityArgs): Promise<string> {
    return `Sunny in ${args.city} at ${this.clock.now()}`;
  }

  @Tool({ name: 'forecast', strict: false, timeout: 5_000 })
  async fetchHTTPForecast(args: CountArgs): Promise<{ days: number }> {
    return { days: args.count };
  }

  @Tool()
  async currentTime(): Promise<ToolResult> {
    return new ToolResult(this.clock.now(), { source: 'clock' });
  }

  notATool(): string {
    return 'never offered';
  }
}

const call = (name: string, args: unknown): ToolCall => ({
  id: 'call_1',
  type: 'function',
  function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
});
const options = { signal: new AbortController().signal, iteration: 0 };

describe('toolsFromToolset', () => {
  it('makes one strict tool per @Tool method: snake_case names with the prefix, owner Class.method, schema from the DTO', () => {
    const tools = toolsFromToolset(new WeatherTools(new Clock()));
    expect(tools.map((tool) => tool.schema.function.name)).to.deep.equal(['weather__get_weather', 'weather__forecast', 'weather__current_time']);
    expect(tools.map((tool) => tool.owner)).to.deep.equal(['WeatherTools.getWeather', 'WeatherTools.fetchHTTPForecast', 'WeatherTools.currentTime']);
    expect(tools[0]!.schema).to.deep.equal({
      type: 'function',
      function: {
        name: 'weather__get_weather',
        description: 'Current weather for a city',
        parameters: schemaFromClass(CityArgs),
        strict: true,
      },
    });
    expect(tools[1]!.schema.function.strict).to.equal(false);
    expect(tools[1]!.timeout).to.equal(5_000);
    expect(tools[0]!.timeout).to.equal(undefined);
    expect(tools[2]!.schema.function.parameters).to.deep.equal({ type: 'object', properties: {}, required: [], additionalProperties: false });
    expectStrictTools(tools);
  });

  it('runs methods with `this` bound to the instance and turns their return values into tool messages', async () => {
    const [weather, forecast, time] = toolsFromToolset(new WeatherTools(new Clock()));
    const text = await weather!.invoke(call('weather__get_weather', { city: 'Tokyo' }), undefined, options);
    expect(ToolResult.from(text).content).to.equal('Sunny in Tokyo at 2026-11-27T10:00:00Z');
    const json = ToolResult.from(await forecast!.invoke(call('weather__forecast', { count: 3 }), undefined, options));
    expect(json.content).to.equal('{"days":3}');
    const result = ToolResult.from(await time!.invoke(call('weather__current_time', ''), undefined, options));
    expect(result.content).to.equal('2026-11-27T10:00:00Z');
    expect(result.metadata).to.deep.equal({ source: 'clock' });
  });

  it('rejects arguments for a tool that takes none', async () => {
    const [, , time] = toolsFromToolset(new WeatherTools(new Clock()));
    const error = await rejectionOf(Promise.resolve(time!.invoke(call('weather__current_time', { zone: 'UTC' }), undefined, options)));
    expect(error.message).to.equal(
      'Invalid arguments for tool "weather__current_time":\n- zone: unknown property: this tool takes no arguments (whitelist)\nFix the arguments and call the tool again.',
    );
  });

  it('hands every method a ToolContext with the run context, the call, the signal and the iteration', async () => {
    const seen: ToolContext<{ userId: string }>[] = [];
    @Toolset()
    class Recorder {
      @Tool({ input: null })
      async record(_args: object, ctx: ToolContext<{ userId: string }>): Promise<string> {
        seen.push(ctx);
        return 'ok';
      }
    }
    const [tool] = toolsFromToolset<{ userId: string }>(new Recorder());
    expectStrictTools([tool!]);
    const context = { userId: 'u1' };
    const signal = new AbortController().signal;
    const toolCall = call('record', '{}');
    await tool!.invoke(toolCall, context, { signal, iteration: 4 });
    expect(seen).to.have.length(1);
    expect(seen[0]!.context).to.equal(context);
    expect(seen[0]!.toolCall).to.equal(toolCall);
    expect(seen[0]!.signal).to.equal(signal);
    expect(seen[0]!.iteration).to.equal(4);
  });

  it('reads inherited @Tool methods and calls the subclass override', async () => {
    @Toolset()
    class Base {
      @Tool()
      async greet(args: CityArgs): Promise<string> {
        return `base ${args.city}`;
      }
    }
    @Toolset({ prefix: 'child' })
    class Child extends Base {
      override async greet(args: CityArgs): Promise<string> {
        return `child ${args.city}`;
      }
    }
    const [tool] = toolsFromToolset(new Child());
    expectStrictTools([tool!]);
    expect(tool!.schema.function.name).to.equal('child__greet');
    expect(await tool!.invoke(call('child__greet', { city: 'Oslo' }), undefined, options)).to.have.property('content', 'child Oslo');
  });

  it('reports two methods with one tool name, naming both', () => {
    @Toolset()
    class Clash {
      @Tool()
      async getWeather(args: CityArgs): Promise<string> {
        return args.city;
      }
      @Tool({ name: 'get_weather' })
      async weatherNow(args: CityArgs): Promise<string> {
        return args.city;
      }
    }
    expect(() => toolsFromToolset(new Clash())).to.throw(
      ToolConfigurationError,
      'Clash.getWeather and Clash.weatherNow are both tool "get_weather": give one another name with @Tool({ name }).',
    );
  });

  it('reports invalid names, prefixes, timeouts and static methods with the method they belong to', () => {
    @Toolset()
    class BadName {
      @Tool({ name: 'get weather' })
      async go(args: CityArgs): Promise<string> {
        return args.city;
      }
    }
    expect(() => toolsFromToolset(new BadName())).to.throw(ToolConfigurationError, 'BadName.go: tool name "get weather" is not a valid function name');

    @Toolset({ prefix: 'we.ather' })
    class BadPrefix {
      @Tool()
      async go(args: CityArgs): Promise<string> {
        return args.city;
      }
    }
    expect(() => toolsFromToolset(new BadPrefix())).to.throw(ToolConfigurationError, '@Toolset prefix of BadPrefix is "we.ather"');

    @Toolset()
    class BadTimeout {
      @Tool({ timeout: -1 })
      async go(args: CityArgs): Promise<string> {
        return args.city;
      }
    }
    expect(() => toolsFromToolset(new BadTimeout())).to.throw(ToolConfigurationError, 'BadTimeout.go: @Tool timeout must be a positive number of milliseconds, got -1.');

    @Toolset()
    class StaticTool {
      @Tool()
      static async go(args: CityArgs): Promise<string> {
        return args.city;
      }
    }
    expect(() => toolsFromToolset(new StaticTool())).to.throw(
      ToolConfigurationError,
      'StaticTool.go: @Tool must be on an instance method (not a static method, field or accessor).',
    );
  });

  it('names the tool and the DTO property when an argument class cannot be expressed', () => {
    class Loose {
      @IsString() name!: string;
      @IsOptional() id?: string | number;
    }
    @Toolset()
    class Lookup {
      @Tool()
      async find(args: Loose): Promise<string> {
        return args.name;
      }
    }
    expect(() => toolsFromToolset(new Lookup())).to.throw(ToolConfigurationError, 'Lookup.find (tool "find"): Loose.id: cannot tell its type');
  });

  it('explains a first parameter that is not a DTO class', () => {
    interface Args {
      city: string;
    }
    @Toolset()
    class Untyped {
      @Tool()
      async go(args: Args): Promise<string> {
        return args.city;
      }
    }
    expect(() => toolsFromToolset(new Untyped())).to.throw(
      ToolConfigurationError,
      "Untyped.go: the first parameter's type (Object) is not a DTO class: declare the arguments as a class with class-validator decorators, or pass @Tool({ input: YourArgsDto })",
    );
  });

  it('tells a class with @Tool methods but no @Toolset, and an object that is no toolset, what is missing', () => {
    class Forgotten {
      @Tool()
      async go(args: CityArgs): Promise<string> {
        return args.city;
      }
    }
    expect(() => toolsFromToolset(new Forgotten())).to.throw(ToolConfigurationError, 'An instance of Forgotten is not a toolset: add @Toolset() to its class.');
    expect(() => toolsFromToolset({})).to.throw(ToolConfigurationError, 'This object is not a toolset: add @Toolset() to its class.');

    @Toolset()
    class Empty {}
    expect(() => toolsFromToolset(new Empty())).to.throw(ToolConfigurationError, 'Empty is a @Toolset without @Tool methods');
  });
});

describe('buildToolsAndInvokers', () => {
  it('returns schemas and invokers for toolsets and tool objects together', async () => {
    const echo = new FunctionTool({ name: 'echo', execute: ({ text }: { text: string }) => text });
    const { tools, toolInvokers } = buildToolsAndInvokers(new WeatherTools(new Clock()), echo);
    for (const tool of tools) expectStrict(tool.function.parameters);
    expect(tools.map((tool) => tool.function.name)).to.deep.equal(['weather__get_weather', 'weather__forecast', 'weather__current_time', 'echo']);
    expect(Object.keys(toolInvokers)).to.deep.equal(['weather__get_weather', 'weather__forecast', 'weather__current_time', 'echo']);
    expect(await toolInvokers['weather__get_weather']!(call('weather__get_weather', { city: 'Lima' }), undefined, options)).to.have.property(
      'content',
      'Sunny in Lima at 2026-11-27T10:00:00Z',
    );
    expect(await toolInvokers['echo']!(call('echo', { text: 'hi' }), undefined, options)).to.have.property('content', 'hi');
  });

  it('applies tool timeouts to the invokers', async () => {
    @Toolset()
    class Slow {
      @Tool({ timeout: 20, input: null })
      async wait(_args: object, ctx: ToolContext): Promise<string> {
        await sleep(500);
        return ctx.signal.aborted ? 'aborted' : 'done';
      }
    }
    const { tools, toolInvokers } = buildToolsAndInvokers(new Slow());
    expectStrict(tools[0]!.function.parameters);
    const error = await rejectionOf(Promise.resolve(toolInvokers['wait']!(call('wait', '{}'), undefined, options)));
    expect(error).to.be.instanceOf(ToolTimeoutError);
  });

  it('reports one tool name in two entries, naming both owners', () => {
    const clash = new FunctionTool({ name: 'weather__forecast', execute: () => 'x' });
    expect(() => buildToolsAndInvokers(new WeatherTools(new Clock()), clash)).to.throw(
      ToolConfigurationError,
      'Two tools are named "weather__forecast": WeatherTools.fetchHTTPForecast and entries[1] (FunctionTool "weather__forecast").',
    );
  });

  it('rejects an entry that is neither a tool nor a toolset', () => {
    expect(() => buildToolsAndInvokers({ name: 'x' })).to.throw(
      ToolConfigurationError,
      'entries[0] is a plain object, which is neither a Tool object nor an instance of a @Toolset class.',
    );
  });
});
