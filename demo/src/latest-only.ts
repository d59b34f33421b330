/**
 * Runs tasks one at a time where only the newest request matters (search as you type): a
 * request still waiting when a newer one arrives never runs, and a task that is running can
 * ask `isCurrent()` after each await to drop results a newer request has made stale.
 */
export class LatestOnly {
  private tail: Promise<unknown> = Promise.resolve();
  private generation = 0;
  /** Requests that never ran because a newer one came first. */
  skipped = 0;

  run(task: (isCurrent: () => boolean) => Promise<void>): Promise<void> {
    const generation = ++this.generation;
    const isCurrent = (): boolean => generation === this.generation;
    const result = this.tail.then(() => {
      if (!isCurrent()) {
        this.skipped += 1;
        return;
      }
      return task(isCurrent);
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Calls `action` once, `delayMs` after the last `schedule()`; `cancel()` drops a scheduled call. */
export class Debounce {
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(private readonly delayMs: number, private readonly action: () => void) {}

  schedule(): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.action();
    }, this.delayMs);
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
