import 'reflect-metadata';
import type { NeedsApproval, Tool as ToolObject } from '../tool.js';
import { TOOLS_METADATA } from './constants.js';

/** Options of {@link Tool}. */
export interface ToolOptions {
  /** Function name the model calls. Default: the method name in snake_case (`getWeather` → `get_weather`). */
  name?: string;
  /** What the tool does; the model reads it to decide when to call. */
  description?: string;
  /**
   * The argument DTO class. Needed when the code is compiled without decorator metadata
   * (esbuild, tsx, swc without `decoratorMetadata`); otherwise read from the method's first parameter
   * type. `null` declares a tool without arguments whose method still wants its `ToolContext`
   * (a method without parameters needs nothing).
   */
  input?: (new () => any) | null;
  /**
   * The DTO class of the method's result, for adapters that publish an output schema (an MCP server's
   * `outputSchema`, from `jsonSchemaFromClass(output, { dialect: '2020-12' })`). Chat Completions tools
   * do not use it. Checked when the toolset is read: it must be a class whose schema can be built.
   */
  output?: new () => any;
  /** Ask for OpenAI strict mode. Default `true` (the generated schema is always strict-compatible). */
  strict?: boolean;
  /** Milliseconds before a call fails with `ToolTimeoutError` (its `signal` is aborted then too). */
  timeout?: number;
  /**
   * Whether a call waits for a person's approval before it runs: `true`, or a function of the
   * validated-to-be-JSON arguments and the run's context. Default `false`. See `RunState`.
   */
  needsApproval?: NeedsApproval;
  /**
   * Hints for clients about what the tool does, published by an MCP server (`createMcpServer`,
   * `mcpHttpHandler`) as the tool's `annotations` (and `title`). Chat Completions tools do not use them.
   */
  annotations?: ToolAnnotations;
}

/**
 * What a tool does, as hints for MCP clients (MCP's `ToolAnnotations`): clients may ask the user
 * before a destructive call or run read-only ones freely. Hints, not guarantees.
 */
export interface ToolAnnotations {
  /** A human-readable name for user interfaces. */
  title?: string;
  /** The tool changes nothing. */
  readOnlyHint?: boolean;
  /** The tool may delete or overwrite (meaningful when not read-only). */
  destructiveHint?: boolean;
  /** Calling it again with the same arguments has no further effect (meaningful when not read-only). */
  idempotentHint?: boolean;
  /** The tool reaches an open world (the web, other people), not a closed domain. */
  openWorldHint?: boolean;
}

/** What `@Tool` records for one method. */
export interface ToolRecord {
  readonly method: string | symbol;
  readonly options: Readonly<ToolOptions>;
}

/**
 * Marks a method of a `@Toolset` class as a tool. The method receives a validated instance of its
 * argument DTO and a {@link ToolContext}; it returns a string (sent as is), a `ToolResult` (sent as
 * is) or any JSON-able value (serialised). Arguments that fail JSON parsing or validation never reach
 * it: the model is told which fields are wrong instead.
 *
 * The decorator only records; the schema and the validated invoker are built when the toolset is
 * first read, and cached per class.
 *
 * @example
 * ```ts
 * @Tool({ description: 'Current weather for a city', timeout: 5_000 })
 * async getWeather(args: GetWeather, ctx: ToolContext<{ userId: string }>) { ... }
 * ```
 */
export function Tool(options: ToolOptions = {}): MethodDecorator {
  return (target, propertyKey) => {
    // On a static method the target is the class itself; recorded there, the reader reports it.
    const ctor = typeof target === 'function' ? target : (target as object).constructor;
    const own: ToolRecord[] = Reflect.getOwnMetadata(TOOLS_METADATA, ctor) ?? [];
    Reflect.defineMetadata(TOOLS_METADATA, [...own, { method: propertyKey, options: { ...options } }], ctor);
  };
}

/**
 * A tool: the schema the model sees and the invoker that runs it (the same type as the core's
 * `Tool` interface; it shares the decorator's name so both can be imported as `Tool`).
 */
export type Tool<C = any> = ToolObject<C>;
