/*
 * Issue 10 item 6: DTOs behave the same with TypeScript's `useDefineForClassFields` on and off. This
 * file, like every DTO test, runs twice: compiled by tsconfig.test.json (off, build/) and by
 * tsconfig.test.define.json (on, target ES2023 as in the starter, esbuild, tsx and swc; build-define/).
 */
import 'reflect-metadata';
import { expect } from 'chai';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { schemaFromClass, Tool, Toolset, toolsFromToolset, type ToolCall } from 'chat-cmpl-stream-handler';
import { expectStrict } from './strict-schema.js';

const DEFINE_BUILD = new URL(import.meta.url).pathname.includes('/build-define/');

/** Stands in for @nestjs/swagger's @ApiProperty(): records metadata of its own, nothing class-validator knows. */
function ApiProperty(options: Record<string, unknown> = {}): PropertyDecorator {
  return (target, key) => Reflect.defineMetadata('swagger/apiModelProperties', options, target, key);
}

class Item {
  @ApiProperty() @IsString() sku!: string;
  @ApiProperty({ required: false }) @IsOptional() @IsInt() qty?: number;
  @ApiProperty() label!: string;
}

// Shape of the CreateUserDto classes of public Nest apps where a property has only @ApiProperty()
// (e.g. `@ApiProperty({ required: false }) profile_image: string` next to validated fields).
class CreateUserDto {
  @ApiProperty({ required: false }) profile_image!: string;
  @ApiProperty() @IsString() name!: string;
  @ApiProperty() @IsOptional() @IsIn(['admin', 'user']) role: 'admin' | 'user' = 'user';
  @ApiProperty() @IsOptional() @IsString() nickname?: string;
  source = 'chat';
  undecorated?: string;
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

@Toolset()
class Users {
  readonly received: CreateUserDto[] = [];
  @Tool()
  async createUser(args: CreateUserDto): Promise<string> {
    this.received.push(args);
    return 'created';
  }
}

const call = (args: unknown): ToolCall => ({ id: 'call_1', type: 'function', function: { name: 'create_user', arguments: JSON.stringify(args) } });

describe(`DTO class fields (compiled with useDefineForClassFields ${DEFINE_BUILD ? 'on' : 'off'})`, () => {
  it('is compiled the way its folder says', () => {
    class Probe {
      field!: string;
    }
    expect(Object.hasOwn(new Probe(), 'field')).to.equal(DEFINE_BUILD);
  });

  it('builds the same schema: only the validated properties, whatever fields the class declares', () => {
    const schema = schemaFromClass(CreateUserDto);
    expect(Object.keys(schema.properties!)).to.deep.equal(['name', 'role', 'nickname', 'items']);
    expect(schema.$defs!['Item']!.required).to.deep.equal(['sku', 'qty']);
    expectStrict(schema);
  });

  it('accepts a call that leaves out every field the model cannot send, at any depth', async () => {
    const users = new Users();
    const [tool] = toolsFromToolset(users);
    const result = await tool!.invoke(call({ name: 'Ann', role: null, nickname: null, items: [{ sku: 'A-1', qty: null }] }), undefined);
    expect(result).to.have.property('content', 'created');
    const [args] = users.received;
    expect(args).to.be.instanceOf(CreateUserDto);
    expect(args!.role, 'an initialised default survives null').to.equal('user');
    expect(args!.source, 'an undecorated initialised field keeps its value').to.equal('chat');
    for (const absent of ['profile_image', 'nickname', 'undecorated'] as const) expect(Object.hasOwn(args!, absent), absent).to.equal(false);
    expect(args!.items[0]).to.be.instanceOf(Item);
    expect(Object.keys(args!.items[0]!)).to.deep.equal(['sku']);
    expect(JSON.parse(JSON.stringify(args))).to.deep.equal({ name: 'Ann', role: 'user', source: 'chat', items: [{ sku: 'A-1' }] });
  });

  it('still rejects what the model sends for a field the schema does not have', async () => {
    const [tool] = toolsFromToolset(new Users());
    const error = await Promise.resolve(tool!.invoke(call({ name: 'Ann', role: null, nickname: null, items: [], profile_image: 'x.png' }), undefined)).catch((e) => e);
    expect(error.issues).to.deep.equal([{ path: 'profile_image', message: 'unknown property; the allowed properties are: name, role, nickname, items (whitelist)' }]);
  });
});
