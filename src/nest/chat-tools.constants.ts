/** Injection token of the validated {@link ChatToolsModuleOptions} given to `forRoot` / `forRootAsync`. */
export const CHAT_TOOLS_OPTIONS = 'chat-cmpl-stream-handler:chat-tools-options';

/**
 * Injection token of the `OpenAI` client the module's agents use (`options.client`, or what
 * `options.clientFactory` returned). Inject it with `@Inject(CHAT_TOOLS_CLIENT)`.
 */
export const CHAT_TOOLS_CLIENT = 'chat-cmpl-stream-handler:chat-tools-client';

/** Prefix of the injection tokens of named agents; see {@link getAgentToken}. */
export const AGENT_TOKEN_PREFIX = 'chat-cmpl-stream-handler:agent:';
