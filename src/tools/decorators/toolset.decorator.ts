import 'reflect-metadata';
import { TOOLSET_METADATA } from './constants.js';

/** Options of {@link Toolset}. */
export interface ToolsetOptions {
  /** Prepended to every tool name of the class as `prefix__name`, e.g. `weather__get_weather`. */
  prefix?: string;
  /** What the toolset is for; kept for documentation and for adapters that show toolsets. */
  description?: string;
  /**
   * Labels for choosing toolsets by group rather than by class, e.g. `['support']`. The core ignores
   * them; `ChatToolsModule` (`chat-cmpl-stream-handler/nest`) builds agents from the toolsets with a tag.
   */
  tags?: readonly string[];
}

/**
 * Marks a class whose `@Tool` methods are tools. An instance can go straight into `tools` (or an
 * `Agent`'s `toolsets`); its methods run with `this` bound to the instance, so services injected
 * through the constructor work.
 *
 * The decorator only records the options; tools are read from the class once and cached.
 *
 * @example
 * ```ts
 * @Toolset({ prefix: 'weather' })
 * class WeatherTools {
 *   constructor(private readonly api: WeatherApi) {}
 *   @Tool({ description: 'Current weather for a city' })
 *   async getWeather(args: GetWeather, ctx: ToolContext<{ userId: string }>) { return this.api.now(args.city); }
 * }
 * await streamUntilUserInput({ client, model, messages, tools: [new WeatherTools(api)] });
 * ```
 */
export function Toolset(options: ToolsetOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(TOOLSET_METADATA, { ...options }, target);
  };
}

