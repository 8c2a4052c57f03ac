import { ToolTimeoutError } from './errors.js';
import { invocationOptions } from './invocation-options.js';
import type { ToolInvoker } from './tool.js';

/**
 * Wraps an invoker so a call fails with {@link ToolTimeoutError} after `timeoutMs`; the signal the
 * invoker receives is aborted at that moment too, so well-behaved tools stop their work.
 */
export function withTimeout<C>(invoker: ToolInvoker<C>, timeoutMs: number, toolName: string): ToolInvoker<C> {
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) return invoker;
  return (toolCall, context, given) => {
    const options = invocationOptions(given);
    const controller = new AbortController();
    const timeoutError = new ToolTimeoutError(toolName, timeoutMs);
    const forwardAbort = () => controller.abort(options.signal.reason);
    if (options.signal.aborted) forwardAbort();
    else options.signal.addEventListener('abort', forwardAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(timeoutError);
        reject(timeoutError);
      }, timeoutMs);
    });
    const call = Promise.resolve().then(() => invoker(toolCall, context, { ...options, signal: controller.signal }));
    return Promise.race([call, timedOut]).finally(() => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', forwardAbort);
    });
  };
}
