import { brandError, ChatCmplError } from '../errors/chat-cmpl-error.js';

/**
 * `ChatToolsModule` is set up wrongly: malformed module or agent options, a `@Toolset` provider
 * that is not a singleton, a class or tag an agent asks for that no provider has, or an agent run
 * before the module was initialized. The message names the problem and what to do.
 */
export class ChatToolsModuleError extends ChatCmplError {
  static {
    brandError(this, 'ChatToolsModuleError');
  }
}
