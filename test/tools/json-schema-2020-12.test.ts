/*
 * The second schema form, for the MCP server: JSON Schema 2020-12 from the same DTO reader, checked
 * with a real 2020-12 validator (ajv, which the MCP SDK depends on; used here in tests only).
 */
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsDateString, IsEmail, IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import {
  Describe,
  JSON_SCHEMA_2020_12,
  jsonSchemaFromClass,
  schemaFromClass,
  ToolArgumentsError,
  Tool,
  ToolConfigurationError,
  Toolset,
  toolsFromToolset,
  validateToolArguments,
} from 'chat-cmpl-stream-handler';
import { rejectionOf } from '../support/helpers.js';

enum Priority {
  Low = 1,
  High = 2,
}

@Describe('One line of an order')
class Line {
  @IsString() @Matches(/^[A-Z]{3}-\d{4}$/) sku!: string;
  @IsInt() @Min(1) @Max(99) qty!: number;
  @IsOptional() @IsString() @Length(0, 200) note?: string;
}

class Category {
  @IsString() name!: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Category) children?: Category[];
}

@Describe('Place an order')
class PlaceOrder {
  @Describe('Who orders') @IsEmail() email!: string;
  @IsUUID() customerId!: string;
  @IsOptional() @IsDateString() deliverAfter?: string;
  @IsEnum(Priority) priority!: Priority;
  @IsOptional() @IsIn(['standard', 'express']) shipping?: string;
  @ValidateNested({ each: true }) @Type(() => Line) @ArrayMaxSize(20) lines!: Line[];
  @IsOptional() @ValidateNested() @Type(() => Category) category?: Category;
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);

const valid = {
  email: 'ann@example.com',
  customerId: '6f1c2b9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  priority: 2,
  lines: [{ sku: 'ABC-1234', qty: 2 }],
  category: { name: 'tools', children: [{ name: 'saws' }] },
};

describe("jsonSchemaFromClass(Dto, { dialect: '2020-12' })", () => {
  it('writes JSON Schema 2020-12: $schema set, optional properties left out of required and not nullable, DTOs under $defs by class name', () => {
    expect(jsonSchemaFromClass(PlaceOrder, { dialect: '2020-12' })).to.deep.equal({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      description: 'Place an order',
      properties: {
        email: { type: 'string', description: 'Who orders', format: 'email' },
        customerId: { type: 'string', format: 'uuid' },
        deliverAfter: { type: 'string', format: 'date-time' },
        priority: { type: 'integer', enum: [1, 2] },
        shipping: { type: 'string', enum: ['standard', 'express'] },
        lines: { type: 'array', items: { $ref: '#/$defs/Line' }, maxItems: 20 },
        category: { $ref: '#/$defs/Category' },
      },
      required: ['email', 'customerId', 'priority', 'lines'],
      additionalProperties: false,
      $defs: {
        Line: {
          type: 'object',
          description: 'One line of an order',
          properties: {
            sku: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
            qty: { type: 'integer', minimum: 1, maximum: 99 },
            note: { type: 'string', minLength: 0, maxLength: 200 },
          },
          required: ['sku', 'qty'],
          additionalProperties: false,
        },
        Category: {
          type: 'object',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Category' } } },
          required: ['name'],
          additionalProperties: false,
        },
      },
    });
    expect(JSON_SCHEMA_2020_12).to.equal('https://json-schema.org/draft/2020-12/schema');
  });

  it('is a valid 2020-12 schema that a 2020-12 validator applies as the DTO does', async () => {
    const schema = jsonSchemaFromClass(PlaceOrder, { dialect: '2020-12' });
    const check = ajv.compile(structuredClone(schema));
    const samples: [string, unknown, boolean][] = [
      ['complete', valid, true],
      ['optional properties left out', { ...valid, category: undefined }, true],
      ['optional ones given', { ...valid, deliverAfter: '2024-01-31T09:30:00Z', shipping: 'express' }, true],
      ['wrong type', { ...valid, priority: '2' }, false],
      ['not in the enum', { ...valid, shipping: 'overnight' }, false],
      ['required missing', { ...valid, email: undefined }, false],
      ['unknown property', { ...valid, coupon: 'X' }, false],
      ['nested unknown property', { ...valid, lines: [{ sku: 'ABC-1234', qty: 1, colour: 'red' }] }, false],
      ['bad pattern deep inside', { ...valid, lines: [{ sku: 'abc', qty: 1 }] }, false],
      ['recursion', { ...valid, category: { name: 'a', children: [{ name: 'b', children: [{ name: 7 }] }] } }, false],
      ['too many items', { ...valid, lines: Array.from({ length: 21 }, () => ({ sku: 'ABC-1234', qty: 1 })) }, false],
    ];
    for (const [what, sample, expected] of samples) {
      const args = JSON.parse(JSON.stringify(sample));
      expect(check(args), `ajv: ${what}`).to.equal(expected);
      const accepted = await validateToolArguments(PlaceOrder, args).then(
        () => true,
        (error: unknown) => (error instanceof ToolArgumentsError ? false : Promise.reject(error)),
      );
      expect(accepted, `validateToolArguments: ${what}`).to.equal(expected);
    }
  });

  it('is built once per class and form, frozen, and the strict form is unchanged', () => {
    const schema = jsonSchemaFromClass(Line, { dialect: '2020-12' });
    expect(jsonSchemaFromClass(Line, { dialect: '2020-12' })).to.equal(schema);
    expect(Object.isFrozen(schema.properties!['note'])).to.equal(true);
    expect(jsonSchemaFromClass(Line)).to.equal(schemaFromClass(Line));
    expect(schemaFromClass(Line).required).to.deep.equal(['sku', 'qty', 'note']);
    expect(schemaFromClass(Line).properties!['note']).to.deep.equal({ type: ['string', 'null'], minLength: 0, maxLength: 200 });
  });

  it('refers a DTO that contains itself back to the root with $ref "#"', () => {
    const schema = jsonSchemaFromClass(Category, { dialect: '2020-12' });
    expect(schema.properties!['children']).to.deep.equal({ type: 'array', items: { $ref: '#' } });
    expect(ajv.validate(structuredClone(schema), { name: 'a', children: [{ name: 'b', children: [] }] })).to.equal(true);
  });

  it('refuses the same DTOs as the strict form, and an unknown dialect', () => {
    class Bag {
      @IsString() name!: string;
      @IsOptional() @ValidateNested() data?: object;
    }
    expect(() => jsonSchemaFromClass(Bag, { dialect: '2020-12' })).to.throw(ToolConfigurationError, 'Bag.data: has @ValidateNested() but no @Type');
    expect(() => jsonSchemaFromClass(Line, { dialect: 'draft-07' as never })).to.throw(TypeError, "Unknown schema dialect \"draft-07\": use 'openai-strict' or '2020-12'.");
  });
});

describe('validateToolArguments: the validated invoker without a Chat Completions tool call', () => {
  it('returns a validated DTO instance, nested DTOs as instances, and leaves the arguments as they were', async () => {
    const args = JSON.parse(JSON.stringify({ ...valid, shipping: null }));
    const before = JSON.stringify(args);
    const order = await validateToolArguments(PlaceOrder, args);
    expect(order).to.be.instanceOf(PlaceOrder);
    expect(order.lines[0]).to.be.instanceOf(Line);
    expect(order.category!.children![0]).to.be.instanceOf(Category);
    expect(Object.hasOwn(order, 'shipping'), 'null of an optional property counts as absent').to.equal(false);
    expect(JSON.stringify(args)).to.equal(before);
  });

  it('throws a ToolArgumentsError with every issue, named after the tool', async () => {
    const error = await rejectionOf(validateToolArguments(PlaceOrder, { ...valid, priority: 'high', lines: [{ sku: 'ABC-1234', qty: 0 }], x: 1 }, { toolName: 'place_order' }));
    expect(error).to.be.instanceOf(ToolArgumentsError);
    expect(error.toolName).to.equal('place_order');
    expect(error.issues).to.deep.equal([
      { path: 'priority', message: 'must be an integer, got "high" (type)' },
      { path: 'x', message: 'unknown property; the allowed properties are: email, customerId, deliverAfter, priority, shipping, lines, category (whitelist)' },
      { path: 'lines[0].qty', message: 'must not be less than 1 (min)' },
    ]);
    const defaultName = await rejectionOf(validateToolArguments(Line, 'not an object'));
    expect(defaultName.message).to.equal('Invalid arguments for tool "Line":\n- (arguments): must be a JSON object, got a string\nFix the arguments and call the tool again.');
  });

  it('takes null or undefined for a tool without arguments: only an empty object passes', async () => {
    expect(await validateToolArguments(null, {})).to.deep.equal({});
    const error = await rejectionOf(validateToolArguments(undefined, { a: 1 }, { toolName: 'ping' }));
    expect(error.issues).to.deep.equal([{ path: 'a', message: 'unknown property: this tool takes no arguments (whitelist)' }]);
  });

  it('reports a DTO that cannot work as a configuration error, and data that is not JSON as an argument error', async () => {
    class Bare {
      name!: string;
    }
    expect(await rejectionOf(validateToolArguments(Bare, {}))).to.be.instanceOf(ToolConfigurationError);
    const error = await rejectionOf(validateToolArguments(Line, { sku: 'ABC-1234', qty: 1, note: () => 'x' }));
    expect(error.issues).to.deep.equal([{ path: '', message: 'must be JSON data (an object of strings, numbers, booleans, null, arrays and objects)' }]);
  });
});

describe('@Tool({ output }): the result DTO for output schemas', () => {
  it('is checked when the toolset is read and leaves the Chat Completions tool as it was', () => {
    class Forecast {
      @IsString() city!: string;
      @IsInt() celsius!: number;
    }
    @Toolset()
    class Weather {
      @Tool({ input: Line, output: Forecast })
      async forecast(): Promise<Forecast> {
        return Object.assign(new Forecast(), { city: 'Oslo', celsius: 3 });
      }
    }
    const [tool] = toolsFromToolset(new Weather());
    expect(tool!.schema.function.parameters).to.equal(schemaFromClass(Line));
    expect(jsonSchemaFromClass(Forecast, { dialect: '2020-12' }).required).to.deep.equal(['city', 'celsius']);

    class Loose {
      @IsOptional() value?: string | number;
    }
    @Toolset()
    class Broken {
      @Tool({ input: null, output: Loose })
      async run(): Promise<object> {
        return {};
      }
    }
    expect(() => toolsFromToolset(new Broken())).to.throw(ToolConfigurationError, 'Broken.run (tool "run"): Loose.value: cannot tell its type');
    @Toolset()
    class NotAClass {
      @Tool({ input: null, output: 42 as never })
      async run(): Promise<object> {
        return {};
      }
    }
    expect(() => toolsFromToolset(new NotAClass())).to.throw(ToolConfigurationError, 'NotAClass.run: @Tool output must be a class, got number.');
  });
});
