/*
 * Regression corpus: DTO shapes from public NestJS codebases (the origin of each is named; decorators
 * as there, formatting and surrounding code ours). Each must give a schema the OpenAI SDK's strict
 * checker accepts unchanged, let a valid call through as a DTO instance, and stop the invalid calls a
 * model makes, naming the fields. Compiled and run with useDefineForClassFields off and on.
 */
import { expect } from 'chai';
import { Transform, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { schemaFromClass, ToolArgumentsError, validateToolArguments } from 'chat-cmpl-stream-handler';
import { expectStrict } from './strict-schema.js';

/** A custom validator registered the way the luckstargram backend registers its IsValidBirthDate. */
function IsPastDate(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPastDate',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: { validate: (value: unknown) => typeof value === 'string' && Date.parse(value) < Date.now(), defaultMessage: () => 'must be a date in the past' },
    });
}

// Do-Davin/electro-store backend/src/modules/orders/dto/create-order.dto.ts
class OrderItemInput {
  @IsUUID() productId!: string;
  @IsInt() @Min(1) quantity!: number;
}
class CreateOrderDto {
  @IsArray() @ValidateNested({ each: true }) @Type(() => OrderItemInput) items!: OrderItemInput[];
}

// baubyte/NestJS_RBAC_Dynamic src/common/dto/pagination.dto.ts
class PaginationDto {
  @IsOptional() @IsPositive() @IsInt() @Min(1) @Type(() => Number) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Type(() => Number) offset?: number;
}

// chsdwn/nestjs-fundamentals src/coffees/dto/pagination-query.dto.ts (no type validator: the type comes from `number`)
class PaginationQueryDto {
  @IsOptional() @IsPositive() limit?: number;
  @IsOptional() @IsPositive() offset?: number;
}

// peulessa/grafica-back-end src/modules/auth/dto/auth-register.dto.ts
class AuthRegisterDto {
  @IsString() name!: string;
  @IsEmail() email!: string;
  @IsString() @MinLength(8) password!: string;
  @IsOptional() @IsDateString() birthAt?: string;
}

// udemy-microsrv/udemy-microsrv-product src/products/dto/create-product.dto.ts
class CreateProductDto {
  @IsString() public name!: string;
  @IsNumber({ maxDecimalPlaces: 4 }) @IsPositive() @Type(() => Number) public price!: number;
}

// yvexeldev/nest-delivery src/user/dto/create-user.dto.ts
class CreateUserDto {
  @IsNotEmpty() @IsString() firstName!: string;
  @IsNotEmpty() @IsString() lastName!: string;
  @IsNotEmpty() @IsString() @IsEmail() email!: string;
  @IsNotEmpty() @IsString() password!: string;
  @IsOptional() @IsString() profile_image?: string;
}

// nestjs/nest integration/inspector/src/circular-hello/dto/test.dto.ts
class TestDto {
  @IsString() @IsNotEmpty() string!: string;
  @IsNumber() number!: number;
}

// KlowdyTMS/Chat-Real-Time back/src/user/dto/create-user.dto.ts
class ChatUserDto {
  @IsString() name!: string;
  @IsString() @MinLength(4) @MaxLength(20) @Matches(/((?=.*\d)|(?=.*\W+))(?![.\n])(?=.*[A-Z])(?=.*[a-z]).*$/, { message: 'password is invalid!' }) password!: string;
}

// bright/nestjs-aws-cognito src/auth/dto/register.request.dto.ts
class RegisterRequestDto {
  @IsString() name!: string;
  @IsEmail() email!: string;
  @IsString() @MinLength(8) @Matches(/[a-z]/) @Matches(/[A-Z]/) @Matches(/[0-9]/) password!: string;
}

// Adelipop59/supertry_api src/modules/products/dto/add-images.dto.ts
class AddImagesDto {
  @IsNotEmpty() @IsArray() @IsUrl({}, { each: true }) images!: string[];
}

// jotterkain/e-commerce src/components/products/dto/addImages.dto.ts (its ImageDto reduced to a url)
class ImageDto {
  @IsUrl() readonly url!: string;
}
class AddImageObjectsDto {
  @IsArray() @ArrayNotEmpty() @ValidateNested({ each: true }) @Type(() => ImageDto) readonly urls!: ImageDto[];
}

// private-airbnb/airbnb-be src/mail/dto/test-mail.dto.ts
class TestMailDto {
  @IsEmail() @Transform(({ value }: { value: string }) => value.toLowerCase().trim()) email!: string;
}

// etusdigital/boilerplate backend/src/modules/users/dto/user.dto.ts
class UserDto {
  @IsNotEmpty() name!: string;
  @IsEmail() email!: string;
  @IsOptional() profileImage?: string;
}

// yooseungmo/luckstargram-backend src/user/dto/api-user-post-request-body.dto.ts
class ApiUserPostRequestBodyDto {
  @IsNotEmpty() @IsString() name!: string;
  @IsNotEmpty() @IsDateString() @IsPastDate() birth_date!: string;
}

// Gowthamwebdev/pinterest-clone-mern server/src/modules/posts/dto/create-post.dto.ts (tags typed as an array here)
class CreatePostDto {
  @IsString() @IsNotEmpty() title!: string;
  @IsString() @IsOptional() description?: string;
  @IsString({ each: true }) @IsOptional() tags?: string[];
}

// A status filter as list endpoints take it
class ListOrdersDto {
  @IsOptional() @IsIn(['open', 'shipped', 'cancelled']) status?: string;
  @IsOptional() @IsDateString() since?: string;
}

interface Case {
  dto: new () => object;
  valid: Record<string, unknown>;
  /** Invalid calls and the field paths they must be refused for. */
  invalid: [Record<string, unknown>, string[]][];
}

const uuid = '6f1c2b9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const CASES: Case[] = [
  { dto: CreateOrderDto, valid: { items: [{ productId: uuid, quantity: 2 }] }, invalid: [[{ items: [{ productId: uuid, quantity: '2' }] }, ['items[0].quantity']], [{ items: { productId: uuid } }, ['items']]] },
  { dto: PaginationDto, valid: { limit: 10, offset: null }, invalid: [[{ limit: '10', offset: 0 }, ['limit']], [{ limit: 0, offset: -1 }, ['limit', 'limit', 'offset']]] },
  { dto: PaginationQueryDto, valid: { limit: 5, offset: null }, invalid: [[{ limit: 'five', offset: null }, ['limit']]] },
  {
    dto: AuthRegisterDto,
    valid: { name: 'Ann', email: 'ann@example.com', password: 'correct horse', birthAt: null },
    invalid: [[{ name: 'Ann', email: 'nope', password: 'short', birthAt: 'yesterday' }, ['email', 'password', 'birthAt']]],
  },
  { dto: CreateProductDto, valid: { name: 'Mug', price: 9.99 }, invalid: [[{ name: 'Mug', price: '9.99' }, ['price']], [{ name: 'Mug', price: 1.23456 }, ['price']]] },
  {
    dto: CreateUserDto,
    valid: { firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', password: 'x', profile_image: null },
    invalid: [[{ firstName: '', lastName: 42, email: 'ann@example.com', password: 'x', profile_image: null }, ['lastName', 'firstName']]],
  },
  { dto: TestDto, valid: { string: 'a', number: 1.5 }, invalid: [[{ string: 1, number: '1' }, ['string', 'number']]] },
  { dto: ChatUserDto, valid: { name: 'Ann', password: 'Abcdef1' }, invalid: [[{ name: 'Ann', password: 'abcdef' }, ['password']]] },
  { dto: RegisterRequestDto, valid: { name: 'Ann', email: 'ann@example.com', password: 'Passw0rd' }, invalid: [[{ name: 'Ann', email: 'ann@example.com', password: 'PASSWORD1' }, ['password']]] },
  { dto: AddImagesDto, valid: { images: ['https://example.com/a.png'] }, invalid: [[{ images: 'https://example.com/a.png' }, ['images']], [{ images: ['a.png b'] }, ['images']]] },
  { dto: AddImageObjectsDto, valid: { urls: [{ url: 'https://example.com/a.png' }] }, invalid: [[{ urls: [] }, ['urls']], [{ urls: [{ url: 'x', alt: 'y' }] }, ['urls[0].alt', 'urls[0].url']]] },
  { dto: TestMailDto, valid: { email: ' Ann@Example.com ' }, invalid: [[{ email: ['ann@example.com'] }, ['email']]] },
  { dto: UserDto, valid: { name: 'Ann', email: 'ann@example.com', profileImage: null }, invalid: [[{ name: 12345, email: 'ann@example.com', profileImage: { url: 'x' } }, ['name', 'profileImage']]] },
  { dto: ApiUserPostRequestBodyDto, valid: { name: 'Ann', birth_date: '1990-05-17' }, invalid: [[{ name: 'Ann', birth_date: '2999-01-01' }, ['birth_date']]] },
  { dto: CreatePostDto, valid: { title: 'Hi', description: null, tags: ['a'] }, invalid: [[{ title: 'Hi', description: null, tags: 'a' }, ['tags']]] },
  { dto: ListOrdersDto, valid: { status: 'open', since: null }, invalid: [[{ status: 'lost', since: '2024-13-45' }, ['status', 'since']]] },
];

describe('real-world DTO shapes (regression corpus)', () => {
  for (const { dto, valid, invalid } of CASES) {
    it(`${dto.name}: strict schema, valid call through, invalid calls refused by field`, async () => {
      expectStrict(schemaFromClass(dto));
      const instance = await validateToolArguments(dto, valid);
      expect(instance).to.be.instanceOf(dto);
      for (const [args, paths] of invalid) {
        const error = await validateToolArguments(dto, args).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, JSON.stringify(args)).to.be.instanceOf(ToolArgumentsError);
        expect((error as ToolArgumentsError).issues.map((issue) => issue.path), JSON.stringify(args)).to.deep.equal(paths);
      }
    });
  }
});
