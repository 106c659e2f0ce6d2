/**
 * Runs an async task every `intervalMs` on a timer, never two runs at once: a run that takes longer than the
 * interval is followed by the next one at once. Timers keep firing while a consumer's handler awaits, which is how
 * heartbeats continue during long async handlers (docs/consumer-groups.md §2). The task handles its own errors;
 * one that escapes goes to `onError` and the ticker goes on.
 */
export class Ticker {
  private readonly intervalMs: number;
  private readonly task: () => Promise<void>;
  private readonly onError: (error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(intervalMs: number, task: () => Promise<void>, onError: (error: unknown) => void) {
    this.intervalMs = intervalMs;
    this.task = task;
    this.onError = onError;
  }

  /** Runs the task now and then every interval. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs the task again as soon as the run in progress (if any) ends, and resolves when that run ends. */
  async runNow(): Promise<void> {
    while (!this.stopped && this.running !== null) await this.running;
    if (!this.stopped) await this.run();
  }

  /** Stops the timer and waits for the run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running !== null) await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      if (this.running === null) void this.run();
    }, delayMs);
  }

  private async run(): Promise<void> {
    const started = performance.now();
    const run = this.task().catch(this.onError);
    this.running = run;
    await run;
    if (this.running === run) this.running = null;
    this.schedule(Math.max(0, this.intervalMs - (performance.now() - started)));
  }
}
