import type { IncomingMessage } from 'node:http';

/** The largest POST body read (the SDK transport's own default). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The outcome of {@link readJsonBody}: the parsed body, or the HTTP and JSON-RPC error to answer. */
export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly status: number; readonly code: number; readonly message: string };

/** Reads and parses a JSON request body of at most {@link MAX_BODY_BYTES}. */
export async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return tooLarge();
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch (error) {
    return { ok: false, status: 400, code: -32700, message: `Parse error: the body is not JSON (${(error as Error).message}).` };
  }
}

function tooLarge(): JsonBody {
  return { ok: false, status: 413, code: -32000, message: `Payload too large: the limit is ${MAX_BODY_BYTES} bytes.` };
}
