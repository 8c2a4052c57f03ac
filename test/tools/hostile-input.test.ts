import { expect } from 'chai';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Tool, TOOL_ARGUMENT_LIMITS, ToolArgumentsError, Toolset, toolsFromToolset, type ToolCall } from 'chat-cmpl-stream-handler';
import { rejectionOf } from '../support/helpers.js';
import { expectStrictTools } from './strict-schema.js';

class Leaf {
  @IsString() name!: string;
  @IsOptional() @IsInt() size?: number;
}

class Branch {
  @IsString() label!: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Branch) children?: Branch[];
  @IsOptional() @ValidateNested() @Type(() => Leaf) leaf?: Leaf;
}

@Toolset()
class Garden {
  calls = 0;

  @Tool()
  async plant(args: Branch): Promise<string> {
    this.calls++;
    return args.label;
  }
}

const call = (args: string): ToolCall => ({ id: 'call_1', type: 'function', function: { name: 'plant', arguments: args } });
const options = { signal: new AbortController().signal, iteration: 0 };

async function plant(garden: Garden, args: string): Promise<ToolArgumentsError> {
  const tools = toolsFromToolset(garden);
  expectStrictTools(tools);
  const [tool] = tools;
  return rejectionOf(Promise.resolve(tool!.invoke(call(args), undefined, options)));
}

describe('hostile tool arguments', () => {
  afterEach(() => {
    // Belt and braces: a failing test must not leave a polluted prototype behind for the others.
    delete (Object.prototype as Record<string, unknown>)['polluted'];
  });

  it('reject __proto__, constructor and prototype keys at any depth without touching any prototype', async () => {
    const garden = new Garden();
    const error = await plant(
      garden,
      '{"label":"a","__proto__":{"polluted":true},' +
        '"leaf":{"name":"n","constructor":{"prototype":{"polluted":true}}},' +
        '"children":[{"label":"b","prototype":{"polluted":true}}]}',
    );
    expect(error).to.be.instanceOf(ToolArgumentsError);
    expect(error.issues).to.deep.equal([
      { path: '__proto__', message: 'this key is not allowed (reserved name); remove it' },
      { path: 'leaf.constructor', message: 'this key is not allowed (reserved name); remove it' },
      { path: 'children[0].prototype', message: 'this key is not allowed (reserved name); remove it' },
    ]);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect((Branch.prototype as unknown as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect((Leaf.prototype as unknown as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(Object.getPrototypeOf(new Branch())).to.equal(Branch.prototype);
    expect(garden.calls).to.equal(0);
  });

  it(`fail cleanly on arguments nested deeper than ${TOOL_ARGUMENT_LIMITS.maxDepth} levels`, async () => {
    const depth = 20_000;
    const garden = new Garden();
    const tree = await plant(garden, '{"label":"x","children":['.repeat(depth) + '{"label":"leaf"}' + ']}'.repeat(depth));
    expect(tree).to.be.instanceOf(ToolArgumentsError);
    expect(tree.issues).to.have.length(1);
    expect(tree.issues[0]!.message).to.equal(`nested more than ${TOOL_ARGUMENT_LIMITS.maxDepth} levels deep; send flatter arguments`);
    expect(tree.issues[0]!.path).to.match(/^children\[0\](\.children\[0\])+$/);

    const arrays = await plant(garden, '{"label":"x","children":' + '['.repeat(400_000) + ']'.repeat(400_000) + '}');
    expect(arrays.issues).to.have.length(1);
    expect(arrays.issues[0]!.message).to.equal(`nested more than ${TOOL_ARGUMENT_LIMITS.maxDepth} levels deep; send flatter arguments`);
    expect(garden.calls).to.equal(0);
  });

  it('accept nesting right up to the limit', async () => {
    // Each Branch level is two levels of JSON (the object and its children array).
    const levels = TOOL_ARGUMENT_LIMITS.maxDepth / 2;
    const args = '{"label":"x","children":['.repeat(levels - 1) + '{"label":"leaf"}' + ']}'.repeat(levels - 1);
    const [tool] = toolsFromToolset(new Garden());
    expect(await tool!.invoke(call(args), undefined, options)).to.have.property('content', 'x');
  });

  it(`fail cleanly on arguments longer than ${TOOL_ARGUMENT_LIMITS.maxLength} characters, before parsing them`, async () => {
    const args = `{"label":"${'a'.repeat(TOOL_ARGUMENT_LIMITS.maxLength)}"}`;
    const garden = new Garden();
    const error = await plant(garden, args);
    expect(error.issues).to.deep.equal([
      {
        path: '',
        message: `too long: ${args.length} characters, the limit is ${TOOL_ARGUMENT_LIMITS.maxLength}; send smaller arguments`,
      },
    ]);
    expect(garden.calls).to.equal(0);
  });

  it('publish the limits as a frozen object', () => {
    expect(TOOL_ARGUMENT_LIMITS).to.deep.equal({ maxLength: 1_000_000, maxDepth: 64 });
    expect(Object.isFrozen(TOOL_ARGUMENT_LIMITS)).to.equal(true);
  });
});
