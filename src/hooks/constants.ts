/** Reflect-metadata key under which hook decorators record `{ event, method }` entries on a class. */
export const HOOKS_METADATA = 'chat-cmpl-stream-handler:hooks';
