/**
 * The classes of the schema-build benchmark: `TOOLSETS` @Toolset classes of `TOOLS_PER_TOOLSET` tools,
 * each tool with its own argument DTO (nine properties: strings with lengths and formats, an enum, an
 * optional integer, a tag array, a nested DTO and an array of nested DTOs) and two nested DTO classes,
 * shaped like the DTOs of a typical Nest service. Every call of {@link defineBenchToolsets} declares
 * fresh classes, so nothing is cached yet. Declared with decorator syntax, so `design:*` metadata is
 * emitted exactly as in an application.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Describe, Tool, Toolset } from 'chat-cmpl-stream-handler';

export const TOOLSETS = 50;
export const TOOLS_PER_TOOLSET = 10;

enum Status {
  Open = 'open',
  Closed = 'closed',
  Pending = 'pending',
}

/** One tool: its DTO and a valid argument object for it. */
export interface BenchTool {
  readonly input: new () => object;
  readonly validArgs: Record<string, unknown>;
}

function defineTool(): BenchTool {
  class Money {
    @IsInt() @Min(0) amount!: number;
    @IsIn(['EUR', 'USD', 'JPY']) currency!: string;
  }
  class Line {
    @IsString() @Length(1, 40) sku!: string;
    @IsInt() @Min(1) @Max(999) qty!: number;
    @IsOptional() @ValidateNested() @Type(() => Money) price?: Money;
  }
  class Args {
    @Describe('Customer id') @IsUUID() customerId!: string;
    @IsEmail() email!: string;
    @IsString() @Length(1, 200) title!: string;
    @IsOptional() @IsString() @MaxLength(2000) note?: string;
    @IsEnum(Status) status!: Status;
    @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
    @IsBoolean() urgent!: boolean;
    @IsArray() @IsString({ each: true }) @ArrayMaxSize(10) tags!: string[];
    @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
  }
  const validArgs = {
    customerId: '6f1c2b9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    email: 'ann@example.com',
    title: 'Order',
    status: 'open',
    urgent: false,
    tags: ['a', 'b'],
    lines: [{ sku: 'A-1', qty: 2, price: { amount: 100, currency: 'EUR' } }],
  };
  return { input: Args, validArgs };
}

/** Declares the benchmark's toolset classes (fresh ones on every call) and the tools' DTOs. */
export function defineBenchToolsets(): { toolsets: (new () => object)[]; tools: BenchTool[] } {
  const toolsets: (new () => object)[] = [];
  const tools: BenchTool[] = [];
  for (let t = 0; t < TOOLSETS; t++) {
    class BenchToolset {}
    for (let m = 0; m < TOOLS_PER_TOOLSET; m++) {
      const tool = defineTool();
      tools.push(tool);
      const name = `tool${m}`;
      Object.defineProperty(BenchToolset.prototype, name, { value: async (args: object) => JSON.stringify(args), writable: true, configurable: true });
      Tool({ input: tool.input, description: `Tool ${m} of toolset ${t}` })(BenchToolset.prototype, name, Object.getOwnPropertyDescriptor(BenchToolset.prototype, name)!);
    }
    Toolset({ prefix: `set${t}` })(BenchToolset);
    toolsets.push(BenchToolset);
  }
  return { toolsets, tools };
}
