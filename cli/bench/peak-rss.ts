/**
 * The process's peak resident set size during a benchmark, sampled from a timer. The kernel's own peak
 * (`getrusage`'s maxrss) would include everything before the run started, such as loading the CLI; sampling
 * covers the measured part only. A short spike between two samples can be missed, so this is a lower bound.
 */
export class PeakRss {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private peak = 0;

  constructor(intervalMs = 100) {
    this.intervalMs = intervalMs;
  }

  /** The largest RSS seen so far, in bytes. */
  get peakBytes(): number {
    return this.peak;
  }

  start(): void {
    this.sample();
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Takes a last sample and stops; returns the peak in bytes. */
  stop(): number {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peak;
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }
}
