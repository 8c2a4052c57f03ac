import type { Stream } from 'node:stream';

const DEFAULT_MAX_CHARS = 2000;

/**
 * Keeps the last few lines a server process wrote to stderr (at most `maxChars` characters), so
 * connection errors can show why the server died without buffering its whole log.
 */
export class StderrTail {
  private buffer = '';

  constructor(
    stream: Stream | null,
    private readonly maxChars = DEFAULT_MAX_CHARS,
    onText?: (text: string) => void,
  ) {
    stream?.on('data', (chunk: Buffer | string) => {
      const text = chunk.toString();
      onText?.(text);
      this.buffer = (this.buffer + text).slice(-this.maxChars * 2);
    });
  }

  /** The kept output, cut at a line start when it had to be shortened; `undefined` when there was none. */
  get text(): string | undefined {
    let tail = this.buffer;
    if (tail.length > this.maxChars) {
      tail = tail.slice(-this.maxChars);
      const lineStart = tail.indexOf('\n');
      if (lineStart >= 0 && lineStart < tail.length - 1) tail = tail.slice(lineStart + 1);
    }
    tail = tail.trimEnd();
    return tail === '' ? undefined : tail;
  }
}

/** Waits until output already written by an exited process has passed through the stream. */
export function afterPendingOutput(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
