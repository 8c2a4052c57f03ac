import { cpSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package's entries, as users import them. */
export const ENTRIES = {
  core: 'chat-cmpl-stream-handler',
  testing: 'chat-cmpl-stream-handler/testing',
  mcp: 'chat-cmpl-stream-handler/mcp',
  anthropic: 'chat-cmpl-stream-handler/anthropic',
  nest: 'chat-cmpl-stream-handler/nest',
} as const;

export type EntryName = keyof typeof ENTRIES;

const DIST_FILES: Record<EntryName, string> = {
  core: 'index.js',
  testing: 'testing/index.js',
  mcp: 'mcp/index.js',
  anthropic: 'providers/anthropic/index.js',
  nest: 'nest/index.js',
};

let copied: URL | undefined;

/**
 * Loads an entry from a second copy of the built package (dist/ copied under build/), as when an
 * app ends up with two copies of the package in one process.
 */
export async function importSecondCopy(entry: EntryName): Promise<any> {
  if (!copied) {
    const root = new URL('../../', import.meta.url);
    const target = new URL('second-copy/dist/', root);
    mkdirSync(fileURLToPath(target), { recursive: true });
    cpSync(fileURLToPath(new URL('../dist/', root)), fileURLToPath(target), { recursive: true });
    copied = target;
  }
  return import(pathToFileURL(fileURLToPath(new URL(DIST_FILES[entry], copied))).href);
}

/** Loads an entry the ordinary way (the copy every other test uses). */
export async function importFirstCopy(entry: EntryName): Promise<any> {
  return import(ENTRIES[entry]);
}
