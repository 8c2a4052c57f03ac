import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { ChatSession } from '../chat-session.js';

/** A request after authentication. */
export type AuthenticatedRequest = IncomingMessage & { user: ChatSession };

/**
 * Stands in for real authentication (a Passport/JWT guard): trusts the `x-user-id` header and puts
 * the user on `request.user`, where real guards put it too.
 */
@Injectable()
export class DemoAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const userId = request.headers['x-user-id'];
    if (typeof userId !== 'string' || !/^cus_\d+$/.test(userId)) {
      throw new UnauthorizedException('Send the x-user-id header with a customer id, e.g. x-user-id: cus_7.');
    }
    request.user = { userId };
    return true;
  }
}
