/**
 * A single-reader queue: producers push from anywhere (concurrent tool calls), the reader takes
 * synchronously while items are buffered and awaits only when the queue is empty.
 */
export class EventQueue<T> {
  private items: T[] = [];
  private read = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  push(item: T): void {
    this.items.push(item);
    this.notify();
  }

  /** No more items will be pushed; the reader gets `null` once the buffer is empty. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** The next item, or `null` when closed and drained. */
  async next(): Promise<T | null> {
    for (;;) {
      if (this.read < this.items.length) return this.items[this.read++]!;
      this.items = [];
      this.read = 0;
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    if (wake) {
      this.wake = undefined;
      wake();
    }
  }
}
