import { ToolConfigurationError } from './errors.js';
import type { NeedsApproval } from './tool.js';

/**
 * `needsApproval` as given, after checking it is a boolean or a function.
 * @throws {ToolConfigurationError} naming `owner` otherwise.
 */
export function checkedNeedsApproval<C>(value: unknown, owner: string): NeedsApproval<C> | undefined {
  if (value === undefined || typeof value === 'boolean' || typeof value === 'function') return value as NeedsApproval<C> | undefined;
  throw new ToolConfigurationError(`${owner}: needsApproval must be true, false or a function (args, context) => boolean, got ${typeof value}.`);
}
