import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ChatSession } from '../chat-session.js';
import type { AuthenticatedRequest } from './demo-auth.guard.js';

/** The authenticated user the guard put on the request. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ChatSession => context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
