import type { ToolInvocationOptions } from './tool.js';

/**
 * The options an invoker runs with: the ones it was given, or, when it was called the seed's way
 * with two arguments, a fresh signal that never aborts (fresh, because libraries such as the MCP SDK
 * leave their abort listeners on the signal) and iteration `0`.
 */
export function invocationOptions(options: ToolInvocationOptions | undefined): ToolInvocationOptions {
  return options ?? { signal: new AbortController().signal, iteration: 0 };
}
