import type { IncomingHttpHeaders } from 'node:http';

/** A request the scripted server received. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (`undefined` when there was none or it was not JSON). */
  readonly body: any;
  /** True when the client closed the connection before the response was complete (abort). */
  closedEarly: boolean;
}
