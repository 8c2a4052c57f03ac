import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';

/**
 * The agent queue cannot do what was asked: options that do not fit, an agent name no worker knows,
 * a context that is not JSON, a run id the queue has no record of, resuming a run that still runs,
 * or a run whose worker died more often than `maxRecoveries` allows.
 */
export class AgentQueueError extends ChatCmplError {
  static {
    brandError(this, 'AgentQueueError');
  }
}
