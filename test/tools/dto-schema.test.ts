import { expect } from 'chai';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  ArrayNotEmpty,
  ArrayUnique,
  Equals,
  IsArray,
  IsBoolean,
  IsDate,
  IsDateString,
  IsDivisibleBy,
  IsEmail,
  IsEnum,
  IsFQDN,
  IsIn,
  IsInt,
  IsIP,
  IsISO8601,
  IsNegative,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validate,
  ValidateNested,
} from 'class-validator';
import { Describe, schemaFromClass, ToolConfigurationError } from 'chat-cmpl-stream-handler';
import { expectStrict } from './strict-schema.js';

enum Priority {
  Low = 1,
  Normal = 2,
  Urgent = 3,
}

enum Channel {
  Email = 'email',
  Sms = 'sms',
}

@Describe('One line of an order')
class OrderLine {
  @Describe('Stock keeping unit') @IsString() @Matches(/^[A-Z]{3}-\d{4}$/) sku!: string;
  @IsInt() @Min(1) @Max(99) qty!: number;
}

@Describe('A category tree node')
class Category {
  @IsString() @MinLength(1) name!: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Category) children!: Category[];
}

class Address {
  @IsString() @MaxLength(200) street!: string;
  @IsOptional() @IsString() @Length(2, 2) country?: string;
}

@Describe('Place an order')
class PlaceOrder {
  @Describe('Who orders') @IsEmail() email!: string;
  @IsUUID() customerId!: string;
  @IsDateString() deliverAfter!: string;
  @IsEnum(Priority) priority!: Priority;
  @IsOptional() @IsEnum(Channel) notify?: Channel;
  @IsIn(['standard', 'express']) shipping!: 'standard' | 'express';
  @IsNumber() @Min(0) @Max(1) discount!: number;
  @IsBoolean() giftWrap!: boolean;
  @IsOptional() @IsString() @Length(0, 500) note?: string;
  @IsArray() @IsString({ each: true }) @MaxLength(20, { each: true }) @ArrayMinSize(1) @ArrayMaxSize(5) tags!: string[];
  @ValidateNested({ each: true }) @Type(() => OrderLine) @ArrayMinSize(1) lines!: OrderLine[];
  @ValidateNested() @Type(() => Address) shipTo!: Address;
  @Describe('Billing address, when different') @IsOptional() @ValidateNested() @Type(() => Address) billTo?: Address;
  @IsOptional() @ValidateNested() @Type(() => Category) category?: Category;
}

class TreeNode {
  @IsString() label!: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => TreeNode) children?: TreeNode[];
}

describe('schemaFromClass', () => {
  it('turns a rich DTO into this exact strict schema', () => {
    const schema = schemaFromClass(PlaceOrder);
    expect(schema).to.deep.equal({
      type: 'object',
      description: 'Place an order',
      properties: {
        email: { type: 'string', description: 'Who orders', format: 'email' },
        customerId: { type: 'string', format: 'uuid' },
        deliverAfter: { type: 'string', format: 'date-time' },
        priority: { type: 'integer', enum: [1, 2, 3] },
        notify: { type: ['string', 'null'], enum: ['email', 'sms', null] },
        shipping: { type: 'string', enum: ['standard', 'express'] },
        discount: { type: 'number', minimum: 0, maximum: 1 },
        giftWrap: { type: 'boolean' },
        note: { type: ['string', 'null'], minLength: 0, maxLength: 500 },
        tags: { type: 'array', items: { type: 'string', maxLength: 20 }, minItems: 1, maxItems: 5 },
        lines: { type: 'array', items: { $ref: '#/$defs/OrderLine' }, minItems: 1 },
        shipTo: { $ref: '#/$defs/Address' },
        billTo: { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }], description: 'Billing address, when different' },
        category: { anyOf: [{ $ref: '#/$defs/Category' }, { type: 'null' }] },
      },
      required: [
        'email',
        'customerId',
        'deliverAfter',
        'priority',
        'notify',
        'shipping',
        'discount',
        'giftWrap',
        'note',
        'tags',
        'lines',
        'shipTo',
        'billTo',
        'category',
      ],
      additionalProperties: false,
      $defs: {
        OrderLine: {
          type: 'object',
          description: 'One line of an order',
          properties: {
            sku: { type: 'string', description: 'Stock keeping unit', pattern: '^[A-Z]{3}-\\d{4}$' },
            qty: { type: 'integer', minimum: 1, maximum: 99 },
          },
          required: ['sku', 'qty'],
          additionalProperties: false,
        },
        Address: {
          type: 'object',
          properties: {
            street: { type: 'string', maxLength: 200 },
            country: { type: ['string', 'null'], minLength: 2, maxLength: 2 },
          },
          required: ['street', 'country'],
          additionalProperties: false,
        },
        Category: {
          type: 'object',
          description: 'A category tree node',
          properties: {
            name: { type: 'string', minLength: 1 },
            children: { type: 'array', items: { $ref: '#/$defs/Category' } },
          },
          required: ['name', 'children'],
          additionalProperties: false,
        },
      },
    });
    expectStrict(schema);
  });

  it('refers a DTO that contains itself back to the root with $ref "#"', () => {
    const schema = schemaFromClass(TreeNode);
    expect(schema).to.deep.equal({
      type: 'object',
      properties: {
        label: { type: 'string' },
        children: { type: ['array', 'null'], items: { $ref: '#' } },
      },
      required: ['label', 'children'],
      additionalProperties: false,
    });
    expectStrict(schema);
  });

  it('builds a class once and hands out the same frozen schema', () => {
    const first = schemaFromClass(OrderLine);
    expect(schemaFromClass(OrderLine)).to.equal(first);
    expect(Object.isFrozen(first)).to.equal(true);
    expect(Object.isFrozen(first.properties!['sku'])).to.equal(true);
    expectStrict(first);
  });

  it('writes the same schema whatever order the decorators are in', () => {
    class Forward {
      @IsInt() @Min(1) @Max(9) n!: number;
    }
    class Backward {
      @Max(9) @Min(1) @IsInt() n!: number;
    }
    expect(JSON.stringify(schemaFromClass(Forward))).to.equal(JSON.stringify(schemaFromClass(Backward)));
    expectStrict(schemaFromClass(Forward));
  });

  it('lists inherited properties first and keeps two classes with one name apart in $defs', () => {
    const outer = (() => {
      class Item {
        @IsString() name!: string;
      }
      return Item;
    })();
    class Item {
      @IsInt() count!: number;
    }
    class Base {
      @IsString() id!: string;
    }
    class Basket extends Base {
      @ValidateNested() @Type(() => outer) first!: InstanceType<typeof outer>;
      @ValidateNested() @Type(() => Item) second!: Item;
    }
    const schema = schemaFromClass(Basket);
    expect(Object.keys(schema.properties!)).to.deep.equal(['id', 'first', 'second']);
    expect(schema.properties!['first']).to.deep.equal({ $ref: '#/$defs/Item' });
    expect(schema.properties!['second']).to.deep.equal({ $ref: '#/$defs/Item_2' });
    expect(schema.$defs!['Item_2']!.properties).to.deep.equal({ count: { type: 'integer' } });
    expectStrict(schema);
  });

  it("reads inherited validators exactly as class-validator's validate() applies them", async () => {
    class Base {
      @IsString() @MaxLength(5) name!: string;
      @IsInt() @Min(1) count!: number;
    }
    class Child extends Base {
      // class-validator leaves out every ancestor validator of the same type for the same property, and
      // these are all of one type (ValidateBy): Child's @MaxLength replaces all of Base's `name` validators,
      // its @Max all of Base's `count` validators, @IsInt() included.
      @MaxLength(10) override name: string = '';
      @Max(9) override count: number = 0;
    }
    const schema = schemaFromClass(Child);
    expect(schema.properties).to.deep.equal({ name: { type: 'string', maxLength: 10 }, count: { type: 'number', maximum: 9 } });
    const sample = Object.assign(new Child(), { name: 'abcdefgh', count: 0.5 });
    expect(await validate(sample), 'validate() agrees: 8 characters and a fraction below 1 pass').to.deep.equal([]);
    expectStrict(schema);
  });

  it('infers types from decorator metadata when no validator names one, and tightens combined bounds', () => {
    class Inferred {
      @Allow() name!: string;
      @Min(0) weight!: number;
      @IsOptional() flag?: boolean;
      @IsPositive() @Min(5) @Min(3) @IsInt() count!: number;
      @ArrayNotEmpty() @ArrayUnique() @IsIn(['a', 'b'], { each: true }) picks!: string[];
    }
    const schema = schemaFromClass(Inferred);
    expect(schema.properties).to.deep.equal({
      name: { type: 'string' },
      weight: { type: 'number', minimum: 0 },
      flag: { type: ['boolean', 'null'] },
      count: { type: 'integer', minimum: 5, exclusiveMinimum: 0 },
      picks: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1 },
    });
    expectStrict(schema);
  });

  it('maps string formats, numeric keywords and single allowed values', () => {
    class Host {
      @IsNotEmpty() @IsString() name!: string;
      @IsFQDN() domain!: string;
      @IsIP(4) v4!: string;
      @IsIP(6) v6!: string;
      @IsISO8601() since!: string;
      @IsUrl() homepage!: string;
      @IsDivisibleBy(5) @IsNegative() offset!: number;
      @Equals('v1') version!: string;
    }
    const schema = schemaFromClass(Host);
    expect(schema.properties).to.deep.equal({
      name: { type: 'string', minLength: 1 },
      domain: { type: 'string', format: 'hostname' },
      v4: { type: 'string', format: 'ipv4' },
      v6: { type: 'string', format: 'ipv6' },
      since: { type: 'string', format: 'date-time' },
      homepage: { type: 'string' },
      offset: { type: 'number', exclusiveMaximum: 0, multipleOf: 5 },
      version: { type: 'string', enum: ['v1'] },
    });
    expectStrict(schema);
  });

  it('names a case-insensitive @Matches in the description, since JSON Schema patterns have no flags (validation enforces it)', () => {
    class Code {
      @IsString() @Matches(/^ab+$/i) code!: string;
    }
    expect(schemaFromClass(Code).properties).to.deep.equal({ code: { type: 'string', description: 'must match /^ab+$/i' } });
    expectStrict(schemaFromClass(Code));
  });

  it('turns @IsDate() with @Type(() => Date) into a date-time string', () => {
    class Meeting {
      @IsDate() @Type(() => Date) at!: Date;
    }
    expect(schemaFromClass(Meeting).properties).to.deep.equal({ at: { type: 'string', format: 'date-time' } });
    expectStrict(schemaFromClass(Meeting));
  });

  describe('fails at build time, naming the class and property, for what it cannot express', () => {
    it('a property typed as a union (design type Object) without a type validator', () => {
      class Loose {
        @IsOptional() value?: string | number;
      }
      expect(() => schemaFromClass(Loose)).to.throw(
        ToolConfigurationError,
        'Loose.value: cannot tell its type: its TypeScript type (a union, an interface, `any` or `object`) is not visible at runtime.',
      );
    });

    it('a free-form object', () => {
      class Bag {
        @IsObject() data!: Record<string, unknown>;
      }
      expect(() => schemaFromClass(Bag)).to.throw(ToolConfigurationError, 'Bag.data: is a free-form object, which a strict schema cannot express');
    });

    it('@ValidateNested() without @Type', () => {
      class Outer {
        @ValidateNested() address!: Address;
      }
      expect(() => schemaFromClass(Outer)).to.throw(ToolConfigurationError, 'Outer.address: has @ValidateNested() but no @Type(() => ItemClass)');
    });

    it('@Type without @ValidateNested()', () => {
      class Outer {
        @Type(() => Address) @Allow() address!: Address;
      }
      expect(() => schemaFromClass(Outer)).to.throw(
        ToolConfigurationError,
        'Outer.address: has @Type(() => Address) but no @ValidateNested(), so the fields of Address would never be validated.',
      );
    });

    it('a nested class with neither @ValidateNested nor @Type', () => {
      class Outer {
        @Allow() address!: Address;
      }
      expect(() => schemaFromClass(Outer)).to.throw(ToolConfigurationError, 'Outer.address: is of class Address but has no @ValidateNested() and @Type(() => Address)');
    });

    it('an array whose items have no type', () => {
      class Tags {
        @IsArray() tags!: string[];
      }
      expect(() => schemaFromClass(Tags)).to.throw(ToolConfigurationError, 'Tags.tags: is an array, but nothing says what its items are.');
    });

    it('a whole-value validator on an array', () => {
      class Tags {
        @IsString() tags!: string[];
      }
      expect(() => schemaFromClass(Tags)).to.throw(
        ToolConfigurationError,
        'Tags.tags: @IsString() checks the whole value, but the property is an array. Use @IsString({ each: true }) to check each item.',
      );
    });

    it('conflicting types', () => {
      class Both {
        @IsString() @Min(1) n!: string;
      }
      expect(() => schemaFromClass(Both)).to.throw(ToolConfigurationError, 'Both.n: has conflicting types: @Min() needs a number, @IsString() a string.');
    });

    it('enum values of the wrong type', () => {
      class Wrong {
        @IsString() @IsIn([1, 2]) n!: string;
      }
      expect(() => schemaFromClass(Wrong)).to.throw(ToolConfigurationError, 'Wrong.n: must be a string, but its allowed values [1,2] are not all of that type.');
    });

    it('@IsDate() without @Type(() => Date)', () => {
      class When {
        @IsDate() at!: Date;
      }
      expect(() => schemaFromClass(When)).to.throw(ToolConfigurationError, 'When.at: has @IsDate() but no @Type(() => Date)');
    });

    it('a class without class-validator decorators', () => {
      class Bare {
        name!: string;
      }
      expect(() => schemaFromClass(Bare)).to.throw(ToolConfigurationError, 'Bare: has no class-validator decorators');
    });

    it('a described property without a validator', () => {
      class Half {
        @IsString() a!: string;
        @Describe('never validated') b!: string;
      }
      expect(() => schemaFromClass(Half)).to.throw(ToolConfigurationError, 'Half.b: has @Describe but no class-validator decorator');
    });

    it('two different formats on one value', () => {
      class Id {
        @IsEmail() @IsUUID() id!: string;
      }
      expect(() => schemaFromClass(Id)).to.throw(ToolConfigurationError, 'Id.id: has validators that need format "uuid" and format "email"; a schema can state only one.');
    });

    it('an error deep inside a nested class names that class', () => {
      class Inner {
        @IsObject() free!: object;
      }
      class Outer {
        @ValidateNested() @Type(() => Inner) inner!: Inner;
      }
      expect(() => schemaFromClass(Outer)).to.throw(ToolConfigurationError, 'Inner.free: is a free-form object');
    });
  });
});
