import type { IncomingHttpHeaders } from 'node:http';

/** A request the scripted server received. */
export interface RecordedRequest {
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** The request headers as Node parsed them (names lower-cased), e.g. `authorization`, `x-api-key`. */
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (`undefined` when there was none or it was not JSON). */
  readonly body: any;
  /** True when the client closed the connection before the response was complete (abort). */
  closedEarly: boolean;
}
