/**
 * Decides which partitions to read next: round-robin over the consumer's partitions, at most
 * `maxConcurrentFetches` reads at a time, never past the fetch buffer's bound, and not before a caught-up
 * partition's next poll time. It is one loop, not one loop per partition, so an idle consumer with many
 * partitions sleeps until the earliest poll time instead of keeping a timer per partition.
 *
 * A read starts only when the buffer has room for a useful amount (an eighth of a full read, or the record
 * that did not fit last time); a partition waiting for room blocks the partitions behind it in the round, so
 * a large record is not starved by a stream of small reads.
 */
import type { FetchBuffer } from './fetch-buffer.js';
import type { PartitionFetcher } from './partition-fetcher.js';
import { WakeUp } from './wake-up.js';

export interface FetchSchedulerHooks {
  /** The partitions to read, in a stable order. */
  fetchers(): readonly PartitionFetcher[];
  isPaused(fetcher: PartitionFetcher): boolean;
  isRunning(): boolean;
  /** A read buffered records for this partition. */
  onRecords(fetcher: PartitionFetcher): void;
  /** A read failed with an error that retries and the reset policy did not handle. */
  onError(error: unknown, fetcher: PartitionFetcher): void;
}

export class FetchScheduler {
  private readonly buffer: FetchBuffer;
  private readonly maxConcurrentFetches: number;
  private readonly readBytes: number;
  private readonly minReadBytes: number;
  private readonly hooks: FetchSchedulerHooks;
  private readonly wakeUp = new WakeUp();
  private readonly inFlight = new Set<Promise<void>>();
  private cursor = 0;

  constructor(
    buffer: FetchBuffer,
    options: { maxConcurrentFetches: number; maxBytesPerPartition: number },
    hooks: FetchSchedulerHooks,
  ) {
    this.buffer = buffer;
    this.maxConcurrentFetches = options.maxConcurrentFetches;
    this.readBytes = options.maxBytesPerPartition;
    this.minReadBytes = Math.ceil(Math.min(options.maxBytesPerPartition, buffer.maxBytes) / 8);
    this.hooks = hooks;
  }

  /** Something changed (buffer space freed, a partition resumed or seeked, the consumer stops): look again. */
  poke(): void {
    this.wakeUp.notify();
  }

  /** Runs until the consumer stops, then waits for the reads in flight. */
  async run(): Promise<void> {
    while (this.hooks.isRunning()) {
      const waitMs = this.startReads();
      await this.wakeUp.wait(waitMs);
    }
    await Promise.all(this.inFlight);
  }

  /** Starts the reads that may start now; returns how long to wait before a caught-up partition is due. */
  private startReads(): number {
    const fetchers = this.hooks.fetchers();
    const count = fetchers.length;
    const now = performance.now();
    let nextDue = Number.POSITIVE_INFINITY;
    for (let step = 0; step < count && this.inFlight.size < this.maxConcurrentFetches; step++) {
      const index = (this.cursor + step) % count;
      const fetcher = fetchers[index]!;
      if (fetcher.fetching || this.hooks.isPaused(fetcher)) continue;
      if (!fetcher.readyToFetch(now)) {
        if (fetcher.nextPollAt > now) nextDue = Math.min(nextDue, fetcher.nextPollAt);
        continue;
      }
      const needed = Math.min(this.buffer.maxBytes, Math.max(fetcher.neededRoom, this.minReadBytes));
      if (this.buffer.room < needed) {
        this.cursor = index;
        return nextDue - now;
      }
      this.start(fetcher, Math.min(this.readBytes, this.buffer.room));
      this.cursor = index + 1;
    }
    return nextDue - now;
  }

  private start(fetcher: PartitionFetcher, reservation: number): void {
    this.buffer.reserve(reservation);
    const read = fetcher.fetch(reservation).then(
      (buffered) => {
        if (buffered) this.hooks.onRecords(fetcher);
      },
      (error: unknown) => this.hooks.onError(error, fetcher),
    );
    const tracked = read.finally(() => {
      this.inFlight.delete(tracked);
      this.wakeUp.notify();
    });
    this.inFlight.add(tracked);
  }
}
