/**
 * Where accepted records wait to be written, as the Java producer's RecordAccumulator: one open batch per
 * partition, which grows until it holds `batchMaxBytes` or is drained by its partition's sender. A batch may
 * be drained once it has waited `lingerMs`, when a flush asks for it, or when the buffer is full; until its
 * sender is free it keeps growing, so a slow store gets larger batches instead of a queue of small ones.
 *
 * The buffer bound: accepted records that are not yet stored count against `bufferMaxBytes`, and a send that
 * finds no room waits (`waitForRoom`) instead of growing the buffer. Sends are accepted one at a time (the
 * producer chains them), so at most one send waits and records keep their order.
 */
import { KlogError } from '../errors.js';
import type { Compression } from '../format/compression.js';
import type { LogRecord } from '../format/segment.js';
import type { PartitionRef } from '../store/keys.js';
import { PendingBatch } from './pending-batch.js';
import type { SendTracker } from './send-tracker.js';

/**
 * Bytes a record adds to a batch beyond its payload: the varints for its length, timestamp and offset deltas,
 * key and value lengths and header count. Counting them keeps a batch of tiny records within its limits.
 */
export const RECORD_OVERHEAD_BYTES = 16;

/** What a record counts against the buffer bound and a batch's size. */
export function bufferedRecordBytes(payloadBytes: number): number {
  return payloadBytes + RECORD_OVERHEAD_BYTES;
}

export interface AccumulatorOptions {
  lingerMs: number;
  batchMaxBytes: number;
  bufferMaxBytes: number;
  /** A partition's open batch was closed: the sticky partitioner moves keyless records elsewhere (KIP-480). */
  onBatchClosed: (ref: PartitionRef) => void;
}

/** One partition's batches: the open one, and full ones waiting for the sender. */
export class PartitionBuffer {
  open: PendingBatch | null = null;
  readonly full: PendingBatch[] = [];
  lingerExpired = false;
  lingerTimer: ReturnType<typeof setTimeout> | null = null;
  /** The send that appended here last: a send gets one RecordMetadata per partition. */
  lastTracker: SendTracker | null = null;

  constructor(
    readonly ref: PartitionRef,
    /** Tells the partition's sender that a batch may be ready. */
    readonly wake: () => void,
  ) {}
}

export class RecordAccumulator {
  private readonly options: AccumulatorOptions;
  private readonly buffers: PartitionBuffer[] = [];
  private readonly unsettled = new Set<PendingBatch>();
  private buffered = 0;
  private flushing = 0;
  /** Set while a send waits for room: every open batch is drained at once, since waiting gains nothing. */
  private exhausted = false;
  private roomWaiter: { bytes: number; resolve: () => void } | null = null;

  constructor(options: AccumulatorOptions) {
    this.options = options;
  }

  /** Bytes of accepted records not yet stored (or failed). Never above `bufferMaxBytes`. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  addBuffer(ref: PartitionRef, wake: () => void): PartitionBuffer {
    const buffer = new PartitionBuffer(ref, wake);
    this.buffers.push(buffer);
    return buffer;
  }

  hasRoom(bytes: number): boolean {
    return this.buffered + bytes <= this.options.bufferMaxBytes;
  }

  /** Resolves once `bytes` fit under the bound. Only one send waits at a time (sends are accepted in turn). */
  waitForRoom(bytes: number): Promise<void> {
    if (bytes > this.options.bufferMaxBytes) {
      // The producer rejects such records before they get here; waiting for them would wait forever.
      throw new KlogError(
        'RECORD_TOO_LARGE',
        `A record of ${bytes} bytes can never fit in the producer's buffer of ${this.options.bufferMaxBytes} bytes.`,
      );
    }
    if (this.hasRoom(bytes)) return Promise.resolve();
    this.exhausted = true;
    this.wakeAll();
    return new Promise((resolve) => {
      this.roomWaiter = { bytes, resolve };
    });
  }

  /** Adds one record to its partition's open batch, opening or closing batches as sizes and codecs require. */
  append(
    buffer: PartitionBuffer,
    record: LogRecord,
    payloadBytes: number,
    compression: Compression,
    tracker: SendTracker,
  ): void {
    const bytes = bufferedRecordBytes(payloadBytes);
    let batch = buffer.open;
    let closedOne = false;
    if (
      batch !== null &&
      (batch.compression !== compression || batch.bufferedBytes + bytes > this.options.batchMaxBytes)
    ) {
      this.close(buffer);
      closedOne = true;
      batch = null;
    }
    if (batch === null) batch = this.openBatch(buffer, compression);
    if (batch.lastTracker !== tracker) {
      // The first record of this send in this batch; the first in this partition also gets a result entry.
      const result =
        buffer.lastTracker === tracker ? null : tracker.addPartition(buffer.ref.topic, buffer.ref.partition);
      buffer.lastTracker = tracker;
      batch.lastTracker = tracker;
      batch.shares.push({ tracker, result, firstIndex: batch.records.length });
      tracker.addBatch();
    }
    batch.records.push(record);
    batch.bufferedBytes += bytes;
    batch.payloadBytes += payloadBytes;
    this.buffered += bytes;
    if (batch.bufferedBytes >= this.options.batchMaxBytes) {
      this.close(buffer);
      closedOne = true;
    }
    if (closedOne) buffer.wake();
  }

  /**
   * The partition's next batch to write, or null when none is ready. Called by the partition's sender when it
   * is free; the batch stays counted against the buffer until `release`.
   */
  drain(buffer: PartitionBuffer): PendingBatch | null {
    if (buffer.full.length === 0) {
      if (buffer.open === null || !(buffer.lingerExpired || this.flushing > 0 || this.exhausted)) return null;
      this.close(buffer);
    }
    return buffer.full.shift() ?? null;
  }

  /** A drained batch settled (stored or failed): its bytes leave the buffer, and a waiting send may go on. */
  release(batch: PendingBatch): void {
    this.buffered -= batch.bufferedBytes;
    this.unsettled.delete(batch);
    const waiter = this.roomWaiter;
    if (waiter !== null && this.hasRoom(waiter.bytes)) {
      this.roomWaiter = null;
      this.exhausted = false;
      waiter.resolve();
    }
  }

  /** While a flush is on, batches are drained as soon as their sender is free, without lingering. */
  beginFlush(): void {
    this.flushing++;
    this.wakeAll();
  }

  endFlush(): void {
    this.flushing--;
  }

  /** Every batch accepted and not yet settled: open, full or being written. */
  unsettledBatches(): PendingBatch[] {
    return [...this.unsettled];
  }

  private openBatch(buffer: PartitionBuffer, compression: Compression): PendingBatch {
    const batch = new PendingBatch(buffer.ref, compression);
    buffer.open = batch;
    buffer.lingerExpired = false;
    this.unsettled.add(batch);
    // The timer runs even during a flush: a batch opened near a flush's end must not wait for the next one.
    buffer.lingerTimer = setTimeout(() => {
      buffer.lingerTimer = null;
      buffer.lingerExpired = true;
      buffer.wake();
    }, this.options.lingerMs);
    // Waking after the current synchronous run of appends lets a flushed send fill its batch first.
    if (this.flushing > 0 || this.exhausted) queueMicrotask(buffer.wake);
    return batch;
  }

  private close(buffer: PartitionBuffer): void {
    const batch = buffer.open;
    if (batch === null) return;
    if (buffer.lingerTimer !== null) clearTimeout(buffer.lingerTimer);
    buffer.lingerTimer = null;
    buffer.lingerExpired = false;
    buffer.open = null;
    buffer.full.push(batch);
    this.options.onBatchClosed(buffer.ref);
  }

  private wakeAll(): void {
    for (const buffer of this.buffers) {
      if (buffer.open !== null || buffer.full.length > 0) buffer.wake();
    }
  }
}
