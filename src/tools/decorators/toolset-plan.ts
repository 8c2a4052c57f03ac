import 'reflect-metadata';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { ToolConfigurationError } from '../errors.js';
import { TOOL_NAME_PATTERN } from '../function-tool.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { jsonSchemaFromClass, schemaFromClass } from '../schema/schema-from-class.js';
import { readToolRecords, readToolsetOptions } from './metadata-reader.js';
import { snakeCase } from './snake-case.js';
import type { NeedsApproval } from '../tool.js';
import type { ToolAnnotations, ToolRecord } from './tool.decorator.js';

/** One tool of a `@Toolset` class, resolved from its records: everything but the instance. */
export interface ToolPlan {
  /** Final function name (prefix included). */
  readonly name: string;
  readonly method: string | symbol;
  /** The argument DTO; `undefined` for a tool without arguments. */
  readonly input: (new () => object) | undefined;
  /** The result DTO from `@Tool({ output })`, for adapters that publish output schemas. */
  readonly output: (new () => object) | undefined;
  readonly schema: ChatCompletionFunctionTool;
  readonly timeout: number | undefined;
  /** From `@Tool({ needsApproval })`. */
  readonly needsApproval: NeedsApproval | undefined;
  /** `@Tool({ annotations })`, for adapters that publish them (an MCP server). */
  readonly annotations: Readonly<ToolAnnotations> | undefined;
  /** `ClassName.method`, for error messages. */
  readonly owner: string;
}

const PREFIX_PATTERN = /^[a-zA-Z0-9_-]+$/;
const NO_ARGUMENTS_SCHEMA: JSONSchema = Object.freeze({
  type: 'object',
  properties: Object.freeze({}),
  required: Object.freeze([]) as unknown as string[],
  additionalProperties: false,
});
const cache = new WeakMap<Function, readonly ToolPlan[]>();

/**
 * The tools a `@Toolset` class declares, with schemas built from their DTOs. Read once per class.
 *
 * @throws {ToolConfigurationError} for anything that would fail later: an invalid name or prefix,
 *   two methods with one tool name, an argument class that cannot be found or expressed, a bad timeout.
 */
export function readToolsetPlan(ctor: Function): readonly ToolPlan[] {
  let plans = cache.get(ctor);
  if (!plans) {
    plans = buildPlans(ctor);
    cache.set(ctor, plans);
  }
  return plans;
}

function buildPlans(ctor: Function): readonly ToolPlan[] {
  const options = readToolsetOptions(ctor) ?? {};
  const prefix = options.prefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix))) {
    throw new ToolConfigurationError(`@Toolset prefix of ${ctor.name} is ${JSON.stringify(prefix)}: use letters, digits, "_" and "-" only.`);
  }
  const records = readToolRecords(ctor);
  if (records.length === 0) {
    throw new ToolConfigurationError(`${ctor.name} is a @Toolset without @Tool methods: decorate the methods the model may call with @Tool().`);
  }
  const owners = new Map<string, string>();
  return records.map((record) => {
    const plan = buildPlan(ctor, record, prefix);
    const first = owners.get(plan.name);
    if (first !== undefined) {
      throw new ToolConfigurationError(`${first} and ${plan.owner} are both tool "${plan.name}": give one another name with @Tool({ name }).`);
    }
    owners.set(plan.name, plan.owner);
    return plan;
  });
}

function buildPlan(ctor: Function, record: ToolRecord, prefix: string | undefined): ToolPlan {
  const owner = `${ctor.name}.${String(record.method)}`;
  const fail = (problem: string) => new ToolConfigurationError(`${owner}: ${problem}`);
  const { options } = record;
  const method: unknown = (ctor.prototype as Record<string | symbol, unknown>)[record.method];
  if (typeof method !== 'function') throw fail('@Tool must be on an instance method (not a static method, field or accessor).');

  if (options.name !== undefined && typeof options.name !== 'string') throw fail(`@Tool name must be a string, got ${typeof options.name}.`);
  if (options.name === undefined && typeof record.method === 'symbol') throw fail('a method with a symbol key needs @Tool({ name }).');
  const baseName = options.name ?? snakeCase(record.method as string);
  const name = prefix === undefined ? baseName : `${prefix}__${baseName}`;
  if (!TOOL_NAME_PATTERN.test(name)) {
    throw fail(`tool name ${JSON.stringify(name)} is not a valid function name: use 1-64 characters from a-z, A-Z, 0-9, "_" and "-".`);
  }
  if (options.description !== undefined && typeof options.description !== 'string') {
    throw fail(`@Tool description must be a string, got ${typeof options.description}.`);
  }
  if (options.timeout !== undefined && !(typeof options.timeout === 'number' && Number.isFinite(options.timeout) && options.timeout > 0)) {
    throw fail(`@Tool timeout must be a positive number of milliseconds, got ${String(options.timeout)}.`);
  }
  if (options.strict !== undefined && typeof options.strict !== 'boolean') throw fail(`@Tool strict must be a boolean, got ${typeof options.strict}.`);
  const needsApproval = options.needsApproval;
  if (needsApproval !== undefined && typeof needsApproval !== 'boolean' && typeof needsApproval !== 'function') {
    throw fail(`@Tool needsApproval must be true, false or a function (args, context) => boolean, got ${typeof needsApproval}.`);
  }
  const annotations = checkedAnnotations(options.annotations, fail);

  const input = resolveInput(ctor, record, method, fail);
  const { output } = options;
  if (output !== undefined && (typeof output !== 'function' || output.prototype === undefined)) throw fail(`@Tool output must be a class, got ${typeof output}.`);
  let parameters: JSONSchema;
  try {
    parameters = input === undefined ? NO_ARGUMENTS_SCHEMA : schemaFromClass(input);
    if (output !== undefined) jsonSchemaFromClass(output, { dialect: '2020-12' });
  } catch (error) {
    if (error instanceof ToolConfigurationError) throw new ToolConfigurationError(`${owner} (tool "${name}"): ${error.message}`, { cause: error });
    throw error;
  }
  return {
    name,
    method: record.method,
    input,
    output,
    schema: {
      type: 'function',
      function: {
        name,
        ...(options.description === undefined ? {} : { description: options.description }),
        parameters,
        strict: options.strict ?? true,
      },
    },
    timeout: options.timeout,
    needsApproval,
    annotations,
    owner,
  };
}

const ANNOTATION_TYPES: Record<keyof ToolAnnotations, 'string' | 'boolean'> = {
  title: 'string',
  readOnlyHint: 'boolean',
  destructiveHint: 'boolean',
  idempotentHint: 'boolean',
  openWorldHint: 'boolean',
};

function checkedAnnotations(annotations: unknown, fail: (problem: string) => Error): Readonly<ToolAnnotations> | undefined {
  if (annotations === undefined) return undefined;
  if (typeof annotations !== 'object' || annotations === null || Array.isArray(annotations)) {
    throw fail(`@Tool annotations must be an object such as { readOnlyHint: true }, got ${annotations === null ? 'null' : typeof annotations}.`);
  }
  for (const [key, value] of Object.entries(annotations)) {
    const type = Object.hasOwn(ANNOTATION_TYPES, key) ? ANNOTATION_TYPES[key as keyof ToolAnnotations] : undefined;
    if (type === undefined) throw fail(`@Tool annotations has an unknown key "${key}": use ${Object.keys(ANNOTATION_TYPES).join(', ')}.`);
    if (value !== undefined && typeof value !== type) throw fail(`@Tool annotations.${key} must be a ${type}, got ${typeof value}.`);
  }
  return Object.freeze({ ...(annotations as ToolAnnotations) });
}

const NOT_DTO_TYPES = new Set<unknown>([Object, String, Number, Boolean, Array, Function, Promise, Symbol, Date, Map, Set]);

/** The argument class: `@Tool({ input })`, else the first parameter's type from decorator metadata. */
function resolveInput(ctor: Function, record: ToolRecord, method: Function, fail: (problem: string) => Error): (new () => object) | undefined {
  const { input } = record.options;
  if (input === null) return undefined;
  if (input !== undefined) {
    if (typeof input !== 'function' || input.prototype === undefined) throw fail(`@Tool input must be a class, got ${typeof input}.`);
    return input;
  }
  const paramTypes: unknown[] | undefined = Reflect.getMetadata('design:paramtypes', ctor.prototype, record.method);
  if (method.length === 0 && (paramTypes === undefined || paramTypes.length === 0)) return undefined;
  if (paramTypes === undefined) {
    throw fail(
      'cannot find the argument class: there is no decorator metadata (emitDecoratorMetadata is off, or the code was compiled ' +
        'by esbuild/tsx/swc) and no @Tool({ input }). Pass the DTO class: @Tool({ input: YourArgsDto }).',
    );
  }
  const first = paramTypes[0];
  if (typeof first !== 'function' || NOT_DTO_TYPES.has(first)) {
    const shown = typeof first === 'function' ? first.name : String(first);
    throw fail(
      `the first parameter's type (${shown}) is not a DTO class: declare the arguments as a class with class-validator decorators, ` +
        'or pass @Tool({ input: YourArgsDto }) (or @Tool({ input: null }) for a tool without arguments).',
    );
  }
  return first as new () => object;
}
