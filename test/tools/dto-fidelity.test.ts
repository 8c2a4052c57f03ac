/*
 * Issue 11 items 4-9: what real DTOs from public NestJS codebases did to the schema and the validated
 * invoker. Each DTO below is reduced to the decorators that matter and names where its shape comes from.
 */
import { expect } from 'chai';
import { Transform, Type } from 'class-transformer';
import {
  Allow,
  ArrayNotEmpty,
  IsArray,
  IsBooleanString,
  IsDateString,
  IsDecimal,
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsNumberString,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { schemaFromClass, Tool, ToolArgumentsError, ToolConfigurationError, Toolset, toolsFromToolset, type ToolCall } from 'chat-cmpl-stream-handler';
import { rejectionOf } from '../support/helpers.js';
import { expectStrict } from './strict-schema.js';

const call = (args: unknown): ToolCall => ({ id: 'call_1', type: 'function', function: { name: 'run', arguments: JSON.stringify(args) } });

/** A toolset with one tool `run` taking `dto`; it records the arguments it received. */
function toolFor<T extends object>(dto: new () => T) {
  const received: T[] = [];
  @Toolset()
  class Tools {
    @Tool({ input: dto })
    async run(args: T): Promise<string> {
      received.push(args);
      return 'ok';
    }
  }
  const [tool] = toolsFromToolset(new Tools());
  expectStrict(tool!.schema.function.parameters);
  return {
    received,
    ok: async (args: unknown) => expect(await tool!.invoke(call(args), undefined)).to.have.property('content', 'ok'),
    failure: async (args: unknown): Promise<ToolArgumentsError> => {
      const error = await rejectionOf(Promise.resolve(tool!.invoke(call(args), undefined)));
      expect(error).to.be.instanceOf(ToolArgumentsError);
      return error;
    },
    issues: async (args: unknown) => {
      const error = await rejectionOf(Promise.resolve(tool!.invoke(call(args), undefined)));
      expect(error).to.be.instanceOf(ToolArgumentsError);
      return (error as ToolArgumentsError).issues;
    },
  };
}

describe('DTO fidelity (issue 11 items 4-9)', () => {
  describe('4. the validated invoker enforces the JSON type the schema states', () => {
    // Shape of etusdigital/boilerplate backend/src/modules/users/dto/user.dto.ts: a name with only @IsNotEmpty().
    class UserDto {
      @IsNotEmpty() name!: string;
      @IsEmail() email!: string;
    }
    // Shape of Gowthamwebdev/pinterest-clone-mern server/src/modules/posts/dto/create-post.dto.ts: @IsString({ each: true }) without @IsArray().
    class CreatePostDto {
      @IsString() @IsNotEmpty() title!: string;
      @IsString({ each: true }) @IsOptional() tags?: string[];
    }

    it('@IsNotEmpty() name: string rejects a number and an object, naming the field', async () => {
      expect(schemaFromClass(UserDto).properties!['name']).to.deep.equal({ type: 'string', minLength: 1 });
      const tool = toolFor(UserDto);
      expect(await tool.issues({ name: 12345, email: 'a@b.co' })).to.deep.equal([{ path: 'name', message: 'must be a string, got 12345 (type)' }]);
      expect(await tool.issues({ name: { first: 'Ann' }, email: 'a@b.co' })).to.deep.equal([{ path: 'name', message: 'must be a string, got an object (type)' }]);
      await tool.ok({ name: 'Ann', email: 'a@b.co' });
      expect(tool.received).to.have.length(1);
    });

    it('@IsString({ each: true }) tags: string[] rejects "prod" and an array with a number in it', async () => {
      expect(schemaFromClass(CreatePostDto).properties!['tags']).to.deep.equal({ type: ['array', 'null'], items: { type: 'string' } });
      const tool = toolFor(CreatePostDto);
      expect(await tool.issues({ title: 'Hi', tags: 'prod' })).to.deep.equal([{ path: 'tags', message: 'must be an array or null, got "prod" (type)' }]);
      expect(await tool.issues({ title: 'Hi', tags: ['a', 5] })).to.deep.equal([{ path: 'tags[1]', message: 'must be a string, got 5 (type)' }]);
      await tool.ok({ title: 'Hi', tags: ['prod'] });
      await tool.ok({ title: 'Hi', tags: null });
      expect(tool.received.map((post) => post.tags)).to.deep.equal([['prod'], undefined]);
    });

    it('reports type problems next to the other problems, without repeating them as validator messages', async () => {
      const tool = toolFor(CreatePostDto);
      expect(await tool.issues({ title: 7, tags: ['ok'], extra: true })).to.deep.equal([
        { path: 'title', message: 'must be a string, got 7 (type)' },
        { path: 'extra', message: 'unknown property; the allowed properties are: title, tags (whitelist)' },
      ]);
      expect(await tool.issues({ title: '', tags: [1] })).to.deep.equal([
        { path: 'tags[0]', message: 'must be a string, got 1 (type)' },
        { path: 'title', message: 'should not be empty (isNotEmpty)' },
      ]);
    });
  });

  describe('5. @Type(() => Number) / @Type(() => String) never coerce what the model sent', () => {
    // Shape of baubyte/NestJS_RBAC_Dynamic src/common/dto/pagination.dto.ts.
    class PaginationDto {
      @IsOptional() @IsPositive() @IsInt() @Min(1) @Type(() => Number) limit?: number;
      @IsOptional() @IsInt() @Min(0) @Type(() => Number) offset?: number;
    }
    class Lookup {
      @IsString() @Type(() => String) code!: string;
    }

    it('"not-a-number" is refused, never handed over as NaN', async () => {
      const tool = toolFor(PaginationDto);
      expect(await tool.issues({ limit: 'not-a-number', offset: null })).to.deep.equal([{ path: 'limit', message: 'must be an integer or null, got "not-a-number" (type)' }]);
      expect(await tool.issues({ limit: '10', offset: null })).to.deep.equal([{ path: 'limit', message: 'must be an integer or null, got "10" (type)' }]);
      await tool.ok({ limit: 10, offset: 0 });
      expect(tool.received).to.deep.equal([Object.assign(new PaginationDto(), { limit: 10, offset: 0 })]);
    });

    it('12345 is refused for a string, never handed over as "12345"', async () => {
      const tool = toolFor(Lookup);
      expect(await tool.issues({ code: 12345 })).to.deep.equal([{ path: 'code', message: 'must be a string, got 12345 (type)' }]);
      await tool.ok({ code: '12345' });
      expect(tool.received[0]!.code).to.equal('12345');
    });
  });

  describe('6. a string-only validator on a number (or boolean) property', () => {
    it('is refused at build time, naming the property and both types', () => {
      class GetUserDto {
        @IsNumberString() id!: number;
      }
      expect(() => schemaFromClass(GetUserDto)).to.throw(
        ToolConfigurationError,
        'GetUserDto.id: @IsNumberString() accepts only strings, but the property is declared as number: the schema and the validator ' +
          'would ask for a string, and the method would receive one typed as a number. Declare the property as string (and convert it ' +
          'in the method), use a validator for numbers, or convert the value with @Transform.',
      );
      class Flags {
        @IsBooleanString() enabled!: boolean;
      }
      expect(() => schemaFromClass(Flags)).to.throw(ToolConfigurationError, 'Flags.enabled: @IsBooleanString() accepts only strings, but the property is declared as boolean');
    });

    it('is a string in the schema when the property is declared as a string', async () => {
      class NumericIdParamDto {
        @IsNumberString() id!: string;
      }
      expect(schemaFromClass(NumericIdParamDto).properties).to.deep.equal({ id: { type: 'string' } });
      const tool = toolFor(NumericIdParamDto);
      await tool.ok({ id: '42' });
      expect(await tool.issues({ id: 'forty-two' })).to.deep.equal([{ path: 'id', message: 'must be a number string (isNumberString)' }]);
    });

    it('follows the validator when a @Transform converts between the two types', async () => {
      // Shape of pasha-vuiko/fin-control-be src/shared/decorators/validation/is-decimal-num.decorator.ts:
      // numbers become strings, then @IsDecimal() checks them.
      class ExpenseDto {
        @Transform(({ value }) => (typeof value === 'number' ? value.toString() : value)) @IsDecimal() amount!: number;
      }
      expect(schemaFromClass(ExpenseDto).properties).to.deep.equal({ amount: { type: 'string' } });
      const tool = toolFor(ExpenseDto);
      await tool.ok({ amount: '12.50' });
      expect(tool.received[0]!.amount).to.equal('12.50');
    });
  });

  describe("7. a DTO's own @Transform that throws", () => {
    // Shape of Andrew-Cardoso/MigoToNihongo-nest src/auth/dtos/email.dto.ts.
    class EmailDto {
      @IsEmail() @Transform(({ value }) => value.toLowerCase()) email!: string;
    }
    class Address {
      @IsString() @Transform(({ value }) => JSON.parse(value).street) street!: string;
    }
    class Shipment {
      @IsString() id!: string;
      @IsArray() @ArrayNotEmpty() @ValidateNested({ each: true }) @Type(() => Address) stops!: Address[];
    }

    it('never sees a value of the wrong type: the type check comes first', async () => {
      const tool = toolFor(EmailDto);
      expect(await tool.issues({ email: 42 })).to.deep.equal([{ path: 'email', message: 'must be a string, got 42 (type)' }]);
      await tool.ok({ email: 'Ann@Example.COM' });
      expect(tool.received[0]!.email).to.equal('ann@example.com');
    });

    it('becomes a ToolArgumentsError naming the field, nested ones included, with the error as cause', async () => {
      const tool = toolFor(Shipment);
      await tool.ok({ id: 's1', stops: [{ street: '{"street":"Main St"}' }] });
      const error = await tool.failure({ id: 's1', stops: [{ street: '{"street":"Main St"}' }, { street: 'Main St' }] });
      const issues = error.issues;
      expect(error.cause).to.be.instanceOf(SyntaxError);
      expect(tool.received, 'the method ran once, for the valid call').to.have.length(1);
      expect(issues).to.have.length(1);
      expect(issues[0]!.path).to.equal('stops[1].street');
      expect(issues[0]!.message).to.match(/^could not be converted: .*JSON.* \(transform\)$/);
    });
  });

  describe('8. several @Matches, string validators on array items, value classes', () => {
    // Shape of bright/nestjs-aws-cognito src/auth/dto/register.request.dto.ts.
    class RegisterRequestDto {
      @IsString() name!: string;
      @IsEmail() email!: string;
      @IsString() @MinLength(8) @Matches(/[a-z]/) @Matches(/[A-Z]/) @Matches(/[0-9]/) password!: string;
    }

    it('accepts several @Matches: one is the pattern, the others are named in the description, all are enforced', async () => {
      expect(schemaFromClass(RegisterRequestDto).properties!['password']).to.deep.equal({
        type: 'string',
        description: 'must match /[A-Z]/; must match /[a-z]/',
        pattern: '[0-9]',
        minLength: 8,
      });
      const tool = toolFor(RegisterRequestDto);
      await tool.ok({ name: 'Ann', email: 'ann@example.com', password: 'Passw0rdX' });
      expect(await tool.issues({ name: 'Ann', email: 'ann@example.com', password: 'password1' })).to.deep.equal([
        { path: 'password', message: 'must match /[A-Z]/ regular expression (matches)' },
      ]);
    });

    it('@IsUrl({}, { each: true }) says the items are strings', async () => {
      // Shape of Adelipop59/supertry_api src/modules/products/dto/add-images.dto.ts.
      class AddImagesDto {
        @IsNotEmpty() @IsArray() @IsUrl({}, { each: true }) images!: string[];
      }
      expect(schemaFromClass(AddImagesDto).properties).to.deep.equal({ images: { type: 'array', items: { type: 'string' } } });
      const tool = toolFor(AddImagesDto);
      await tool.ok({ images: ['https://example.com/a.png'] });
      expect(await tool.issues({ images: ['not a url'] })).to.deep.equal([{ path: 'images', message: 'each item must be a URL address (isUrl)' }]);
    });

    it('@Type(() => Decimal) of a value class takes its type from a type validator, or asks for one (not for @ValidateNested)', async () => {
      class Decimal {
        constructor(readonly text: string) {}
      }
      class PriceDto {
        @IsNumberString() @Type(() => Decimal) price!: Decimal;
      }
      expect(schemaFromClass(PriceDto).properties).to.deep.equal({ price: { type: 'string' } });
      const tool = toolFor(PriceDto);
      await tool.ok({ price: '9.99' });
      expect(await tool.issues({ price: 9.99 })).to.deep.equal([{ path: 'price', message: 'must be a string, got 9.99 (type)' }]);

      // Shape of pronto-entrega-tech/api src/common/decorators/to-decimal.ts: @Allow() and a @Transform building the Decimal.
      class Untyped {
        @Allow() @Type(() => Decimal) @Transform(({ value }) => new Decimal(String(value))) price!: Decimal;
      }
      expect(() => schemaFromClass(Untyped)).to.throw(
        ToolConfigurationError,
        'Untyped.price: has @Type(() => Decimal), a value class rather than a DTO (it has no class-validator decorators), and no type validator. ' +
          'The model sends JSON: add a type validator for what it sends (e.g. @IsNumberString() or @IsNumber()) and build the Decimal in the method ' +
          '(a @Transform would run before that validator).',
      );
      class DesignTypeOnly {
        @Allow() price!: Decimal;
      }
      expect(() => schemaFromClass(DesignTypeOnly)).to.throw(ToolConfigurationError, 'DesignTypeOnly.price: is of class Decimal, a value class rather than a DTO');
    });
  });

  describe('9. constraints no value can satisfy are refused at build time', () => {
    it('@IsDateString() with @MinLength(10) @MaxLength(10): date-time needs 20 characters', () => {
      class BirthdayDto {
        @IsDateString() @MinLength(10) @MaxLength(10) birthDate!: string;
      }
      expect(() => schemaFromClass(BirthdayDto)).to.throw(
        ToolConfigurationError,
        'BirthdayDto.birthDate: accepts no value: format "date-time" needs at least 20 characters (e.g. 2024-01-31T09:30:00Z), but maxLength is 10. ' +
          'For a date without a time, replace the length limits with @Matches(/^\\d{4}-\\d{2}-\\d{2}$/) next to the date validator.',
      );
    });

    it('the way out it suggests: a date with a pattern instead of the date-time format', async () => {
      class BirthdayDto {
        @IsDateString() @Matches(/^\d{4}-\d{2}-\d{2}$/) birthDate!: string;
      }
      expect(schemaFromClass(BirthdayDto).properties).to.deep.equal({ birthDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } });
      const tool = toolFor(BirthdayDto);
      await tool.ok({ birthDate: '1990-05-17' });
      const issues = await tool.issues({ birthDate: '17.05.1990' });
      expect(issues.map((issue) => issue.path)).to.deep.equal(['birthDate', 'birthDate']);
      expect(issues.map((issue) => issue.message)).to.include('must match /^\\d{4}-\\d{2}-\\d{2}$/ regular expression (matches)');
    });

    it('crossed bounds and enums that fail their own constraints', () => {
      class Crossed {
        @IsString() @MinLength(5) @MaxLength(3) code!: string;
      }
      expect(() => schemaFromClass(Crossed)).to.throw(ToolConfigurationError, 'Crossed.code: accepts no value: minLength 5 is above maxLength 3.');
      class Range {
        @IsNumber() @Min(10) @Max(5) n!: number;
      }
      expect(() => schemaFromClass(Range)).to.throw(ToolConfigurationError, 'Range.n: accepts no value: its bounds leave no number (minimum 10, maximum 5).');
    });
  });
});
