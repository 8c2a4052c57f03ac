import { Inject } from '@nestjs/common';
import { getAgentQueueToken } from './agent-queue.tokens.js';

/**
 * Injects the `AgentQueue` registered with `AgentQueueModule.forRoot`: by its queue name, or without
 * one when the application has a single queue.
 *
 * @example
 * ```ts
 * @Controller('chat')
 * export class ChatController {
 *   constructor(@InjectAgentQueue() private readonly queue: AgentQueue) {}
 * }
 * ```
 */
export function InjectAgentQueue(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getAgentQueueToken(name));
}
