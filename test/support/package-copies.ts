import { createRequire } from 'node:module';

/** The package's entries, as users import them. */
export const ENTRIES = {
  core: 'chat-cmpl-stream-handler',
  testing: 'chat-cmpl-stream-handler/testing',
  mcp: 'chat-cmpl-stream-handler/mcp',
  anthropic: 'chat-cmpl-stream-handler/anthropic',
  nest: 'chat-cmpl-stream-handler/nest',
  bullmq: 'chat-cmpl-stream-handler/bullmq',
  bullmqNest: 'chat-cmpl-stream-handler/bullmq/nest',
} as const;

export type EntryName = keyof typeof ENTRIES;

const require = createRequire(import.meta.url);

/** An entry's ESM build, as `import` loads it (the copy every other test uses). */
export async function importEsm(entry: EntryName): Promise<any> {
  return import(ENTRIES[entry]);
}

/**
 * The same entry's CommonJS build, as `require()` loads it: a second copy of the package in this
 * process, as when an ESM test loads a CommonJS app.
 */
export async function requireCommonJs(entry: EntryName): Promise<any> {
  return require(ENTRIES[entry]);
}
