import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** How many events one session keeps for replay by default. */
export const DEFAULT_KEPT_EVENTS = 1000;

/**
 * The default event store of `mcpHttpHandler`: one per session, in memory, keeping the session's
 * last `limit` events (oldest dropped first) so a client that lost a stream can resume it with
 * `Last-Event-ID`. The SDK's example store keeps every event forever, can replay events of one
 * millisecond out of order and cannot resolve the standalone GET stream's ids; this one numbers
 * events in order.
 */
export class MemoryEventStore implements EventStore {
  private readonly events = new Map<EventId, { readonly streamId: StreamId; readonly message: JSONRPCMessage }>();
  private next = 1;

  constructor(private readonly limit = DEFAULT_KEPT_EVENTS) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const eventId = `${this.next++}`;
    this.events.set(eventId, { streamId, message });
    if (this.events.size > this.limit) this.events.delete(this.events.keys().next().value!);
    return eventId;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.get(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const last = this.events.get(lastEventId);
    if (!last) return '';
    let after = false;
    for (const [eventId, { streamId, message }] of [...this.events]) {
      if (eventId === lastEventId) after = true;
      // Priming events (stored as `{}`) carry nothing to replay.
      else if (after && streamId === last.streamId && Object.keys(message).length > 0) await send(eventId, message);
    }
    return last.streamId;
  }
}
