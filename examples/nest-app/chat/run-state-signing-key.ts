import { randomBytes } from 'node:crypto';

/**
 * The key that signs paused runs: RUN_STATE_SIGNING_KEY, else a random key for this process. A
 * random key suits the default in-memory store, which does not outlive the process either; with a
 * shared store (Redis, a database) every instance needs the same key from the environment.
 */
export function runStateSigningKey(env: NodeJS.ProcessEnv = process.env): string | Buffer {
  const configured = env['RUN_STATE_SIGNING_KEY'];
  if (configured !== undefined && configured.length < 32) {
    throw new Error('RUN_STATE_SIGNING_KEY must be at least 32 characters long (e.g. `openssl rand -base64 32`).');
  }
  return configured ?? randomBytes(32);
}
