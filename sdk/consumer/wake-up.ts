/**
 * A wake-up call for the consumer's loops: a loop with nothing to do waits here until something changes
 * (records arrived, buffer space was freed, a partition was resumed or seeked, the consumer stops) or until
 * its own deadline passes. Waking a loop that has nothing to do is harmless: it looks again and waits again.
 */
export class WakeUp {
  private readonly waiters = new Set<() => void>();

  /** Wakes every loop waiting now. */
  notify(): void {
    if (this.waiters.size === 0) return;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }

  /** Resolves at the next `notify()`, or after `timeoutMs` when that is finite. */
  wait(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        if (timer !== undefined) clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      if (Number.isFinite(timeoutMs)) timer = setTimeout(wake, Math.max(0, timeoutMs));
    });
  }
}
