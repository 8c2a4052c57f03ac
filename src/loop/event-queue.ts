/**
 * A single-reader queue: producers push from anywhere, the reader awaits only when the queue is
 * empty. With a high-water mark, `push` returns a promise once that many items wait unread, so a
 * slow reader slows the producer down.
 */
export class EventQueue<T> {
  private items: T[] = [];
  private read = 0;
  private closed = false;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  constructor(private readonly highWaterMark = Number.POSITIVE_INFINITY) {}

  push(item: T): void | Promise<void> {
    this.items.push(item);
    this.notifyReader();
    if (this.items.length - this.read < this.highWaterMark) return;
    return new Promise<void>((resolve) => (this.wakeWriter = resolve));
  }

  /** No more items will be pushed; the reader gets `null` once the buffer is empty. */
  close(): void {
    this.closed = true;
    this.notifyReader();
  }

  /** The next item if one is buffered, else `undefined` (never waits). */
  take(): T | undefined {
    if (this.read < this.items.length) return this.items[this.read++]!;
    return undefined;
  }

  /**
   * The next item, or `null` when closed and drained. A plain promise rather than an async function:
   * the events generator calls it for every event its reader waits on.
   */
  next(): Promise<T | null> {
    const item = this.take();
    if (item !== undefined) return Promise.resolve(item);
    this.items = [];
    this.read = 0;
    const wake = this.wakeWriter;
    if (wake) {
      this.wakeWriter = undefined;
      wake();
    }
    if (this.closed) return Promise.resolve(null);
    // Woken by push (an item is there) or by close (none is).
    return new Promise<T | null>((resolve) => (this.wakeReader = () => resolve(this.take() ?? null)));
  }

  private notifyReader(): void {
    const wake = this.wakeReader;
    if (wake) {
      this.wakeReader = undefined;
      wake();
    }
  }
}
