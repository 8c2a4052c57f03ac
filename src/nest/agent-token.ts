import { AGENT_TOKEN_PREFIX } from './chat-tools.constants.js';

/**
 * The injection token of the agent registered as `name` with `ChatToolsModule.forFeature`, for
 * `moduleRef.get(getAgentToken('support'))` or a custom provider's `inject`.
 */
export function getAgentToken(name: string): string {
  return `${AGENT_TOKEN_PREFIX}${name}`;
}
