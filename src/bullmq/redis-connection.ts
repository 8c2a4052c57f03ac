import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { AgentQueueError } from './errors.js';

/**
 * A connection of our own, beside BullMQ's, from the same `connection` option: a duplicate of an
 * ioredis instance (a `Redis` or a `Cluster`), or a new `Redis` from options (`{ host, port, ... }`,
 * also `{ url }` as BullMQ 6 takes it). `blocking` connections wait forever for a reply.
 *
 * @throws {AgentQueueError} for a client that is not ioredis (node-redis, Bun, a Postgres backend).
 */
export function openRedis(connection: ConnectionOptions, where: string, blocking: boolean): Redis {
  const extra = blocking ? { maxRetriesPerRequest: null } : {};
  if (typeof connection !== 'object' || connection === null) {
    throw new AgentQueueError(`${where}: \`connection\` must be ioredis options ({ host, port }) or an ioredis instance, got ${connection === null ? 'null' : typeof connection}.`);
  }
  const candidate = connection as Record<string, unknown>;
  if (typeof candidate['duplicate'] === 'function') {
    if (typeof candidate['defineCommand'] !== 'function') {
      throw new AgentQueueError(
        `${where}: \`connection\` is a Redis client that is not ioredis; the agent queue talks to Redis through ioredis. Pass ioredis options ({ host, port }) or an ioredis instance.`,
      );
    }
    return (connection as unknown as Redis).duplicate(extra);
  }
  const { url, skipVersionCheck: _skip, ...options } = candidate as { url?: unknown; skipVersionCheck?: unknown } & Record<string, unknown>;
  return typeof url === 'string' ? new Redis(url, { ...options, ...extra }) : new Redis({ ...options, ...extra });
}
