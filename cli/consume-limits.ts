/**
 * When `klog consume` stops by itself: after `--count` records, or with `--exit-at-end` once every partition
 * has been read up to its end as it was when consumption started (records produced later are not printed).
 * Without either, it never stops by itself: it follows the log until Ctrl-C.
 */
import type { ConsumedMessage } from '../sdk/consumer/consumed-message.js';

export interface ConsumeLimitsOptions {
  /** Stop after this many records in all. */
  count?: number;
  /** With --exit-at-end: each partition read, with its start offset and its end when consumption started. */
  ranges?: ReadonlyMap<number, { start: bigint; end: bigint }>;
}

export class ConsumeLimits {
  private remaining: number;
  /** Per partition not yet read to its end, that end; null when there is no end to reach. */
  private readonly open: Map<number, bigint> | null;

  constructor(options: ConsumeLimitsOptions) {
    this.remaining = options.count ?? Number.POSITIVE_INFINITY;
    if (options.ranges === undefined) this.open = null;
    else {
      this.open = new Map();
      for (const [partition, { start, end }] of options.ranges) if (start < end) this.open.set(partition, end);
    }
  }

  /** True once nothing more is to be printed. */
  get done(): boolean {
    return this.remaining <= 0 || this.open?.size === 0;
  }

  /** How many of these messages of one partition, in offset order, to print; the rest is past a limit. */
  take(partition: number, messages: readonly ConsumedMessage[]): number {
    if (this.done) return 0;
    let taken = messages.length;
    if (this.open !== null) {
      const end = this.open.get(partition);
      if (end === undefined) return 0;
      taken = 0;
      while (taken < messages.length && BigInt(messages[taken]!.offset) < end) taken++;
      const last = taken === 0 ? undefined : messages[taken - 1];
      if (taken < messages.length || (last !== undefined && BigInt(last.offset) >= end - 1n)) {
        this.open.delete(partition);
      }
    }
    taken = Math.min(taken, this.remaining);
    this.remaining -= taken;
    return taken;
  }
}
