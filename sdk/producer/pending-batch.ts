/**
 * A batch being filled or written: the records of one partition that will become one segment. It remembers
 * which sends have records in it, so that its outcome reaches them, and where each send's first record is.
 */
import type { Compression } from '../format/compression.js';
import type { LogRecord } from '../format/segment.js';
import type { PartitionRef } from '../store/keys.js';
import type { RecordMetadata, SendTracker } from './send-tracker.js';

/** One send's part in a batch. */
export interface BatchShare {
  tracker: SendTracker;
  /** Set on the batch that holds the send's first record in this partition: its offset is reported there. */
  result: RecordMetadata | null;
  /** Index of the send's first record in this batch. */
  firstIndex: number;
}

export class PendingBatch {
  readonly records: LogRecord[] = [];
  readonly shares: BatchShare[] = [];
  /** Bytes this batch counts against the producer's buffer bound (payload plus encoding overhead). */
  bufferedBytes = 0;
  /** Keys, values and headers: what the client's counters report as sent. */
  payloadBytes = 0;
  /** The send that appended last, so that a send appending many records adds one share, not one per record. */
  lastTracker: SendTracker | null = null;
  /** Why the batch was not stored; undefined while pending or once stored. */
  error: unknown;
  private settled = false;
  private waiters: (() => void)[] | null = null;

  constructor(
    readonly ref: PartitionRef,
    readonly compression: Compression,
  ) {}

  /** Resolves when the batch is stored or has failed; never rejects. Only flush and disconnect wait on this. */
  whenSettled(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters ??= [];
      this.waiters.push(resolve);
    });
  }

  /** The batch was stored at `baseOffset`: every send with records in it learns its offsets. */
  stored(baseOffset: bigint): void {
    for (const share of this.shares) {
      if (share.result !== null) share.result.baseOffset = (baseOffset + BigInt(share.firstIndex)).toString();
      share.tracker.batchStored();
    }
    this.settle();
  }

  /** The batch could not be stored: every send with records in it fails. */
  failed(error: unknown): void {
    this.error = error;
    for (const share of this.shares) share.tracker.fail(error);
    this.settle();
  }

  private settle(): void {
    this.settled = true;
    const waiters = this.waiters;
    this.waiters = null;
    if (waiters !== null) for (const wake of waiters) wake();
  }
}
