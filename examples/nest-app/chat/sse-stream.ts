import type { ServerResponse } from 'node:http';

/** Server-sent events on a Node response: one `event:` / `data:` frame per call, written as it happens. */
export class SseStream {
  constructor(private readonly response: ServerResponse) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
  }

  /** False once the response ended or the client went away. */
  get open(): boolean {
    return !this.response.writableEnded && !this.response.destroyed;
  }

  /** Sends one event; `data` is JSON-encoded (JSON has no raw newlines, so it fits one `data:` line). */
  send(event: string, data: unknown): void {
    if (this.open) this.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the stream. */
  end(): void {
    if (this.open) this.response.end();
  }
}
