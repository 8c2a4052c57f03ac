import type { Redis } from 'ioredis';

/** Entries kept in a run's event stream (each holds a batch of events); older ones are trimmed. */
export const EVENT_STREAM_MAXLEN = 10_000;
/** Entries kept in a run's status stream. */
const STATUS_STREAM_MAXLEN = 100;
/** The reply of a fenced script whose worker no longer holds the job's lock. */
export const LOCK_LOST = 'CCSH_LOCK_LOST';
/** The reply of the resume enqueue of a run that is queued or running. */
export const RUN_BUSY = 'CCSH_RUN_BUSY';

// Every write of a worker is fenced by the job's lock: a worker that lost it (its lock expired while
// it was stalled, and another worker took the run over) can no longer change the run's records.
const FENCE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('${LOCK_LOST}') end`;

// Appends a batch of events (ARGV[3], '' for none) with the id of the entry that started the current
// iteration (ARGV[4], '' when this batch starts one or there is none); returns the new entry's id.
const APPEND = `
local function append(eventsKey, maxlen, payload, iterationEntry)
  if payload == '' then return false end
  if iterationEntry == '' then
    return redis.call('XADD', eventsKey, 'MAXLEN', '~', maxlen, '*', 'e', payload)
  end
  return redis.call('XADD', eventsKey, 'MAXLEN', '~', maxlen, '*', 'e', payload, 'i', iterationEntry)
end`;

const SCRIPTS = {
  // KEYS: status, events, meta. ARGV: 'new' | 'resume'. Returns the id of the last event entry so far ('0-0': none).
  ccshRunEnqueue: {
    numberOfKeys: 3,
    lua: `
local lastEvent = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
local position = lastEvent and lastEvent[1] or '0-0'
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if last then
  if ARGV[1] == 'new' then return position end
  local fields = last[2]
  for i = 1, #fields, 2 do
    if fields[i] == 's' and (fields[i + 1] == 'queued' or fields[i + 1] == 'active') then return redis.error_reply('${RUN_BUSY}') end
  end
end
redis.call('PERSIST', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ${STATUS_STREAM_MAXLEN}, '*', 's', 'queued')
redis.call('PERSIST', KEYS[1])
return position`,
  },
  // KEYS: lock, status, events, meta. ARGV: token, jobId. Returns { last checkpoint of this job or false, recoveries }.
  ccshRunStart: {
    numberOfKeys: 4,
    lua: `${FENCE}
local recoveries = 0
if redis.call('HGET', KEYS[4], 'job') == ARGV[2] then
  recoveries = tonumber(redis.call('HGET', KEYS[4], 'recoveries') or '0')
  if redis.call('HGET', KEYS[4], 'running') == '1' then
    recoveries = recoveries + 1
    redis.call('HSET', KEYS[4], 'recoveries', recoveries)
  end
else
  redis.call('DEL', KEYS[4])
  redis.call('HSET', KEYS[4], 'job', ARGV[2], 'recoveries', 0)
end
redis.call('HSET', KEYS[4], 'running', 1)
redis.call('PERSIST', KEYS[2])
redis.call('PERSIST', KEYS[3])
redis.call('PERSIST', KEYS[4])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ${STATUS_STREAM_MAXLEN}, '*', 's', 'active')
return { redis.call('HGET', KEYS[4], 'state'), recoveries }`,
  },
  // The events so far, then the checkpoint: a reader never misses what happened before a checkpoint.
  // KEYS: lock, events, meta. ARGV: token, maxlen, payload, iteration entry, state JSON. Returns the entry id or false.
  ccshRunCheckpoint: {
    numberOfKeys: 3,
    lua: `${FENCE}${APPEND}
local id = append(KEYS[2], ARGV[2], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[3], 'state', ARGV[5])
return id`,
  },
  // KEYS: lock, events. ARGV: token, maxlen, payload, iteration entry.
  ccshRunAppend: {
    numberOfKeys: 2,
    lua: `${FENCE}${APPEND}
return append(KEYS[2], ARGV[2], ARGV[3], ARGV[4])`,
  },
  // The worker stops without an outcome (a retry, a hand-back): the last events, and no longer running.
  // KEYS: lock, events, meta. ARGV: token, maxlen, payload, iteration entry.
  ccshRunRelease: {
    numberOfKeys: 3,
    lua: `${FENCE}${APPEND}
append(KEYS[2], ARGV[2], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[3], 'running', 0)
return 1`,
  },
  // The outcome: the last events, the terminal status, then the events' end marker pointing at it.
  // KEYS: lock, status, events, meta. ARGV: token, maxlen, payload, iteration entry, status, outcome JSON, ttl seconds.
  ccshRunFinish: {
    numberOfKeys: 4,
    lua: `${FENCE}${APPEND}
append(KEYS[3], ARGV[2], ARGV[3], ARGV[4])
local statusId = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ${STATUS_STREAM_MAXLEN}, '*', 's', ARGV[5], 'o', ARGV[6])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'end', statusId)
redis.call('HSET', KEYS[4], 'running', 0)
for i = 2, 4 do redis.call('EXPIRE', KEYS[i], ARGV[7]) end
return statusId`,
  },
} as const;

/** A Redis connection with the run scripts defined. */
export type ScriptedRedis = Redis & {
  ccshRunEnqueue(status: string, events: string, meta: string, mode: 'new' | 'resume'): Promise<string>;
  ccshRunStart(lock: string, status: string, events: string, meta: string, token: string, jobId: string): Promise<[string | null, number]>;
  ccshRunCheckpoint(lock: string, events: string, meta: string, token: string, maxlen: number, payload: string, iterationEntry: string, state: string): Promise<string | null>;
  ccshRunAppend(lock: string, events: string, token: string, maxlen: number, payload: string, iterationEntry: string): Promise<string>;
  ccshRunRelease(lock: string, events: string, meta: string, token: string, maxlen: number, payload: string, iterationEntry: string): Promise<1>;
  ccshRunFinish(
    lock: string,
    status: string,
    events: string,
    meta: string,
    token: string,
    maxlen: number,
    payload: string,
    iterationEntry: string,
    runStatus: string,
    outcome: string,
    ttlSeconds: number,
  ): Promise<string>;
};

/** Defines the run scripts on `redis` (ioredis loads each with EVALSHA, falling back to EVAL once). */
export function withRunScripts(redis: Redis): ScriptedRedis {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') redis.defineCommand(name, definition);
  }
  return redis as ScriptedRedis;
}

/** Whether a script failed because the worker lost the job's lock. */
export function isLockLost(error: unknown): boolean {
  return error instanceof Error && error.message.includes(LOCK_LOST);
}
