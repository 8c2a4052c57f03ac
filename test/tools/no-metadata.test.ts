/*
 * Code compiled by esbuild, tsx or swc has decorators but no `design:*` metadata. These classes are
 * decorated by calling the decorators as plain functions, which records exactly what such a compiler
 * would: the validators, but no types.
 */
import 'reflect-metadata';
import { expect } from 'chai';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import {
  Describe,
  schemaFromClass,
  Tool,
  ToolArgumentsError,
  ToolConfigurationError,
  Toolset,
  toolsFromToolset,
  type ToolCall,
  type ToolContext,
} from 'chat-cmpl-stream-handler';
import { rejectionOf } from '../support/helpers.js';
import { expectStrict, expectStrictTools } from './strict-schema.js';

const options = { signal: new AbortController().signal, iteration: 0 };
const call = (name: string, args: unknown): ToolCall => ({ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(args) } });

function decorateMethod(target: Function, method: string, decorator: MethodDecorator): void {
  decorator(target.prototype, method, Object.getOwnPropertyDescriptor(target.prototype, method)!);
}

class Stop {
  name!: string;
  minutes!: number;
}
IsString()(Stop.prototype, 'name');
IsInt()(Stop.prototype, 'minutes');
Min(0)(Stop.prototype, 'minutes');

class PlanTrip {
  city!: string;
  unit?: string;
  tags!: string[];
  stops!: Stop[];
}
Describe('City name')(PlanTrip.prototype, 'city');
IsString()(PlanTrip.prototype, 'city');
Length(1, 80)(PlanTrip.prototype, 'city');
IsOptional()(PlanTrip.prototype, 'unit');
IsIn(['c', 'f'])(PlanTrip.prototype, 'unit');
IsString({ each: true })(PlanTrip.prototype, 'tags');
ArrayMaxSize(3)(PlanTrip.prototype, 'tags');
ValidateNested({ each: true })(PlanTrip.prototype, 'stops');
Type(() => Stop)(PlanTrip.prototype, 'stops');

class TripApi {
  describe(args: PlanTrip): string {
    return `${args.city}: ${args.stops.map((stop) => `${stop.name} ${stop.minutes}m`).join(', ')}`;
  }
}

class TripTools {
  constructor(private readonly api: TripApi) {}
  async planTrip(args: PlanTrip, ctx: ToolContext<{ user: string }>): Promise<string> {
    return `${this.api.describe(args)} for ${ctx.context.user} (${args instanceof PlanTrip ? 'PlanTrip' : 'plain'})`;
  }
}
decorateMethod(TripTools, 'planTrip', Tool({ input: PlanTrip, description: 'Plan a trip' }));
Toolset({ prefix: 'trips' })(TripTools);

describe('without decorator metadata (esbuild, tsx, swc)', () => {
  it('builds a strict schema from explicit type validators alone', () => {
    expect(Reflect.getMetadata('design:type', PlanTrip.prototype, 'city'), 'no metadata in this test').to.equal(undefined);
    expect(schemaFromClass(PlanTrip)).to.deep.equal({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name', minLength: 1, maxLength: 80 },
        unit: { type: ['string', 'null'], enum: ['c', 'f', null] },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        stops: { type: 'array', items: { $ref: '#/$defs/Stop' } },
      },
      required: ['city', 'unit', 'tags', 'stops'],
      additionalProperties: false,
      $defs: {
        Stop: {
          type: 'object',
          properties: { name: { type: 'string' }, minutes: { type: 'integer', minimum: 0 } },
          required: ['name', 'minutes'],
          additionalProperties: false,
        },
      },
    });
    expectStrict(schemaFromClass(PlanTrip));
  });

  it('runs a tool whose DTO comes from @Tool({ input }), validated, with `this` and the context', async () => {
    const tools = toolsFromToolset<{ user: string }>(new TripTools(new TripApi()));
    expectStrictTools(tools);
    const [tool] = tools;
    expect(tool!.schema.function.name).to.equal('trips__plan_trip');
    const args = { city: 'Kyoto', unit: null, tags: ['temples'], stops: [{ name: 'Kinkaku-ji', minutes: 90 }] };
    const result = await tool!.invoke(call('trips__plan_trip', args), { user: 'u1' }, options);
    expect(result).to.have.property('content', 'Kyoto: Kinkaku-ji 90m for u1 (PlanTrip)');

    const error = await rejectionOf(Promise.resolve(tool!.invoke(call('trips__plan_trip', { ...args, stops: [{ name: 'x', minutes: -5 }] }), { user: 'u1' }, options)));
    expect(error).to.be.instanceOf(ToolArgumentsError);
    expect(error.issues).to.deep.equal([{ path: 'stops[0].minutes', message: 'must not be less than 0 (min)' }]);
  });

  it('says exactly what is missing when there is neither metadata nor @Tool({ input })', () => {
    class Bare {
      async lookup(args: PlanTrip): Promise<string> {
        return args.city;
      }
    }
    decorateMethod(Bare, 'lookup', Tool());
    Toolset()(Bare);
    expect(() => toolsFromToolset(new Bare())).to.throw(
      ToolConfigurationError,
      'Bare.lookup: cannot find the argument class: there is no decorator metadata (emitDecoratorMetadata is off, or the code was compiled ' +
        'by esbuild/tsx/swc) and no @Tool({ input }). Pass the DTO class: @Tool({ input: YourArgsDto }).',
    );
  });

  it('gives the same message when the metadata of a compiled class is removed', () => {
    class City {
      @IsString() city!: string;
    }
    @Toolset()
    class Stripped {
      @Tool()
      async lookup(args: City): Promise<string> {
        return args.city;
      }
    }
    expect(Reflect.deleteMetadata('design:paramtypes', Stripped.prototype, 'lookup')).to.equal(true);
    expect(() => toolsFromToolset(new Stripped())).to.throw(ToolConfigurationError, 'Stripped.lookup: cannot find the argument class: there is no decorator metadata');
  });

  it('asks for a type validator on a property whose type nothing names', () => {
    class Vague {
      note?: string;
    }
    IsOptional()(Vague.prototype, 'note');
    expect(() => schemaFromClass(Vague)).to.throw(
      ToolConfigurationError,
      'Vague.note: cannot tell its type: it has no type validator and there is no decorator metadata (emitDecoratorMetadata is off, ' +
        'or the code was compiled by esbuild/tsx/swc). Add one of @IsString(), @IsNumber(), @IsInt(), @IsBoolean()',
    );
  });
});
