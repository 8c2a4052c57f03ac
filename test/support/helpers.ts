import type { LifecycleEvent } from 'chat-cmpl-stream-handler';

/** Collects every lifecycle event of a run. */
export async function collect(events: AsyncIterable<LifecycleEvent>): Promise<LifecycleEvent[]> {
  const all: LifecycleEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** The promise's rejection, or a failure when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A user message. */
export const user = (content: string) => ({ role: 'user' as const, content });
