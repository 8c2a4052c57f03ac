/** One server-sent event: its `event:` name (if any) and its `data:` lines joined by `\n`. */
export interface ServerSentEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Incremental parser of a `text/event-stream` body (the WHATWG rules that matter here): lines end
 * in `\n`, `\r\n` or `\r`; a blank line dispatches the event; `:` lines are comments; `id` and
 * `retry` are ignored.
 */
export class SseParser {
  private pending = '';
  private event: string | undefined;
  private data: string[] = [];

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    const buffer = this.pending + text;
    let start = 0;
    if (buffer.indexOf('\r') === -1) {
      // Anthropic ends lines with `\n` only: the fast path.
      for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n', start)) {
        this.line(buffer.slice(start, end), events);
        start = end + 1;
      }
      this.pending = buffer.slice(start);
      return events;
    }
    for (let i = 0; i < buffer.length; i++) {
      const char = buffer.charCodeAt(i);
      if (char !== 10 && char !== 13) continue;
      // A `\r` at the very end may be the first half of `\r\n`: wait for more text.
      if (char === 13 && i === buffer.length - 1) break;
      this.line(buffer.slice(start, i), events);
      if (char === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.pending = buffer.slice(start);
    return events;
  }

  /** Ends the stream: an event not closed by a blank line is still dispatched. */
  end(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (this.pending !== '') this.line(this.pending.replace(/\r$/, ''), events);
    this.pending = '';
    this.line('', events);
    return events;
  }

  private line(line: string, events: ServerSentEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) events.push({ event: this.event, data: this.data.join('\n') });
      this.event = undefined;
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

/** A Chat Completions SSE line for `payload` (`[DONE]` is written as is). */
export function sseData(payload: unknown): string {
  return `data: ${payload === DONE ? DONE : JSON.stringify(payload)}\n\n`;
}

/** The end-of-stream sentinel of Chat Completions streams. */
export const DONE = '[DONE]';
