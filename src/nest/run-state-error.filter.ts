import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { RunStateError } from '../run/errors.js';
import { RunDecisionError } from './run-decision.error.js';

/**
 * Answers a `RunStateError` thrown by a route handler with its message, in Nest's error body shape
 * plus a `code`: a {@link RunDecisionError} with its `status` (400, 403, 404 or 409), any other
 * `RunStateError` with 400 (`code: "invalid_state"`). Works with Express and Fastify. Apply it where
 * decisions come in: `@UseFilters(RunStateErrorFilter)` on the controller or route.
 *
 * @example
 * ```json
 * { "statusCode": 409, "error": "Conflict", "code": "already_decided", "message": "Call call_1 of run 5f0c... was already approved; a call takes one decision." }
 * ```
 */
@Catch(RunStateError)
export class RunStateErrorFilter implements ExceptionFilter<RunStateError> {
  /** @internal Built by Nest when named in `@UseFilters(RunStateErrorFilter)`. */
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: RunStateError, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const response = host.switchToHttp().getResponse<unknown>();
    // A stream that already started cannot change its status; end it.
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    const status = error instanceof RunDecisionError ? error.status : 400;
    const code = error instanceof RunDecisionError ? error.code : 'invalid_state';
    adapter.reply(response, { statusCode: status, error: STATUS_CODES[status], code, message: error.message }, status);
  }
}
