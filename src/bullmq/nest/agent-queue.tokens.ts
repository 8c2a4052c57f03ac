/** Prefix of the injection tokens of agent queues; see {@link getAgentQueueToken}. */
const AGENT_QUEUE_TOKEN = 'chat-cmpl-stream-handler:agent-queue';

/**
 * The injection token of the `AgentQueue` that `AgentQueueModule.forRoot({ name })` registered, for
 * `moduleRef.get(getAgentQueueToken('agents'))` or a provider's `inject`. Without a name: the queue of
 * the application's only (or last) `forRoot`.
 */
export function getAgentQueueToken(name?: string): string {
  return name === undefined ? AGENT_QUEUE_TOKEN : `${AGENT_QUEUE_TOKEN}:${name}`;
}
