import { Inject } from '@nestjs/common';
import { getAgentToken } from './agent-token.js';

/**
 * Injects the `Agent` registered as `name` with `ChatToolsModule.forFeature([{ name, ... }])`.
 *
 * @example
 * ```ts
 * @Controller('chat')
 * export class ChatController {
 *   constructor(@InjectAgent('support') private readonly agent: Agent<{ userId: string }>) {}
 * }
 * ```
 */
export function InjectAgent(name: string): PropertyDecorator & ParameterDecorator {
  return Inject(getAgentToken(name));
}
