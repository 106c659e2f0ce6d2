/**
 * One partition of a consumer: its fetch position, its idle backoff, and the records fetched for it and not
 * yet handled. Reads go through `backend.openReader(ref)`; the reader remembers the segment it is in, so
 * reading on from where the last read stopped costs one GET per segment, and polling a caught-up partition
 * costs one GET (a 404) per poll, backing off while idle. A read handle that long-polls (a broker's: it waited for
 * records before answering that there were none) is polled again at once instead.
 *
 * Positions: `position` is the next offset to fetch, after the buffered records; the next offset to hand to
 * the application is that of the first buffered record not yet handled (`rewind` moves back to it). Every
 * seek, rewind or close bumps `epoch`, so that a handler that started before it does not go on with stale
 * records; those and `shed` also bump the fetch epoch, so that a read in flight cannot put records back or
 * move the position.
 */
import type { PartitionReadHandle } from '../backend/backend.js';
import type { Logger } from '../client/logger.js';
import { type RetryConfig, retrying } from '../client/retrier.js';
import { isKlogError, type KlogError } from '../errors.js';
import { decodedRun, type RunReadResult } from '../log/record-run.js';
import type { PartitionRef } from '../store/keys.js';
import { ChunkRecords } from './chunk-records.js';
import type { FetchBuffer } from './fetch-buffer.js';
import { type OffsetResetPolicy, resolveStartPosition, type StartPosition } from './start-position.js';

/** Records of one read, admitted to the buffer, handed to the application from `next` on. */
export interface BufferedChunk {
  /** Built when they are delivered (chunk-records.ts). */
  records: ChunkRecords;
  /** Payload bytes of each record, by index. */
  sizes: Uint32Array;
  /** Payload bytes of all the records: what the chunk holds in the fetch buffer until it is done. */
  bytes: number;
  /** Index of the next record to hand to the application. */
  next: number;
  /** Records before this index were counted as received (a record handed out again is not counted again). */
  counted: number;
}

export interface PartitionFetcherOptions {
  maxBytesPerPartition: number;
  idlePollMinMs: number;
  idlePollMaxMs: number;
  resetPolicy: OffsetResetPolicy;
  retry: RetryConfig;
  logger: Logger;
}

export class PartitionFetcher {
  readonly ref: PartitionRef;
  private readonly handle: PartitionReadHandle;
  private readonly buffer: FetchBuffer;
  private readonly options: PartitionFetcherOptions;
  private start: StartPosition;
  private position: bigint | null = null;
  private readonly chunks: BufferedChunk[] = [];
  private buffered = 0;
  private currentEpoch = 0;
  private fetchEpoch = 0;
  private inFlight = false;
  private idleDelayMs: number;
  private pollAt = 0;
  /** Payload bytes the buffer must have free before the next read: a record left out last time. */
  private needed = 0;
  private end = 0n;

  constructor(
    ref: PartitionRef,
    handle: PartitionReadHandle,
    buffer: FetchBuffer,
    start: StartPosition,
    options: PartitionFetcherOptions,
  ) {
    this.ref = ref;
    this.handle = handle;
    this.buffer = buffer;
    this.start = start;
    this.options = options;
    this.idleDelayMs = options.idlePollMinMs;
    if (start.kind === 'offset') this.position = start.offset;
  }

  get epoch(): number {
    return this.currentEpoch;
  }

  get fetching(): boolean {
    return this.inFlight;
  }

  /** Payload bytes buffered for this partition. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** The `performance.now()` time before which a caught-up partition is not polled again. */
  get nextPollAt(): number {
    return this.pollAt;
  }

  get neededRoom(): number {
    return this.needed;
  }

  /** The end of the partition as far as this consumer has read it: the offset after the last one seen. */
  get knownEnd(): bigint {
    return this.end;
  }

  /** May a read start now (pausing is checked by the caller)? */
  readyToFetch(now: number): boolean {
    return !this.inFlight && this.buffered < this.options.maxBytesPerPartition && now >= this.pollAt;
  }

  firstChunk(): BufferedChunk | undefined {
    return this.chunks[0];
  }

  /**
   * The next offset to hand to the application: the first buffered record not handled yet, else the fetch
   * position; null while the start position is not known. This is what a consumer group commits.
   */
  nextToHandle(): bigint | null {
    const first = this.chunks[0];
    return first === undefined ? this.position : nextOf(first);
  }

  /** Finds the start position now if it is not known yet (so that 'latest' means "when run started"). */
  async resolveStart(): Promise<void> {
    if (this.position !== null) return;
    const epoch = this.fetchEpoch;
    const position = await this.retry(() => resolveStartPosition(this.handle, this.start), 'find the start offset');
    if (epoch === this.fetchEpoch && this.position === null) this.moveTo(position);
  }

  /**
   * Reads from the position with `reservation` bytes reserved in the fetch buffer (always given back) and
   * buffers what fits. Returns true when records were buffered. Retriable errors are retried with the
   * client's retry policy; an out-of-range position applies the reset policy ('none' rethrows).
   */
  async fetch(reservation: number): Promise<boolean> {
    const epoch = this.fetchEpoch;
    this.inFlight = true;
    let reserved = true;
    try {
      await this.resolveStart();
      const from = this.position;
      if (epoch !== this.fetchEpoch || from === null) return false;
      let result: RunReadResult;
      try {
        result = await this.retry(() => this.read(from, reservation), 'read');
      } catch (error) {
        if (!isKlogError(error, 'OFFSET_OUT_OF_RANGE')) throw error;
        // After a seek the error is about a position nobody wants any more.
        if (epoch === this.fetchEpoch) await this.reset(error, epoch);
        return false;
      }
      if (epoch !== this.fetchEpoch) return false;
      reserved = false;
      return this.take(reservation, from, result);
    } finally {
      if (reserved) this.buffer.unreserve(reservation);
      this.inFlight = false;
    }
  }

  /** Moves to a new start position, dropping what was buffered. */
  seek(start: StartPosition): void {
    this.drop();
    this.start = start;
    this.position = start.kind === 'offset' ? start.offset : null;
    this.wake();
  }

  /** Drops the buffered records and moves back to the first one not handled (the consumer is stopping). */
  rewind(): void {
    const first = this.chunks[0];
    const next = first === undefined ? null : nextOf(first);
    if (next !== null) this.position = next;
    this.drop();
    this.wake();
  }

  /**
   * Frees the memory of a paused partition: drops its buffered records (all of them, or all but the chunk a
   * handler is in when `keepFirst`) and the result of a read in flight, and moves the position back to the
   * first record dropped. They are read again after `resume`.
   */
  shed(keepFirst: boolean): void {
    this.fetchEpoch++;
    const dropped = this.chunks.splice(keepFirst ? 1 : 0);
    const first = dropped[0];
    const next = first === undefined ? null : nextOf(first);
    if (next !== null) this.position = next;
    for (const chunk of dropped) {
      this.buffered -= chunk.bytes;
      this.buffer.release(chunk.bytes);
    }
    this.needed = 0;
  }

  /** Drops everything: the partition is no longer consumed. */
  close(): void {
    this.drop();
  }

  /** Removes a chunk the application has finished with and frees its bytes (unless a seek dropped it). */
  completeChunk(chunk: BufferedChunk): void {
    if (this.chunks[0] !== chunk) return;
    this.chunks.shift();
    this.buffered -= chunk.bytes;
    this.buffer.release(chunk.bytes);
  }

  /** Reads runs of records, which the buffer holds without building records, when the handle can. */
  private async read(from: bigint, maxBytes: number): Promise<RunReadResult> {
    if (this.handle.readRuns !== undefined) return this.handle.readRuns(from, { maxBytes });
    const { records, nextOffset } = await this.handle.read(from, { maxBytes });
    return { runs: records.length === 0 ? [] : [decodedRun(records)], nextOffset };
  }

  private take(reservation: number, from: bigint, result: RunReadResult): boolean {
    const { nextOffset } = result;
    const records = new ChunkRecords(result.runs);
    const admission = this.buffer.admit(reservation, records.sizes, records.length);
    if (nextOffset > this.end) this.end = nextOffset;
    if (records.length === 0) {
      // Nothing new, or only control records (which still move the position).
      this.position = nextOffset;
      if (nextOffset === from) this.idle();
      else this.wake();
      return false;
    }
    this.wake();
    if (admission.count === 0) {
      // No room for even the first record now: read it again once the buffer has that much free.
      this.needed = admission.firstLeftOut;
      return false;
    }
    this.needed = 0;
    if (admission.count < records.length) {
      this.position = records.offsetAt(admission.count);
      records.truncate(admission.count);
    } else {
      this.position = nextOffset;
    }
    this.chunks.push({ records, sizes: records.sizes, bytes: admission.bytes, next: 0, counted: 0 });
    this.buffered += admission.bytes;
    return true;
  }

  private async reset(error: KlogError, epoch: number): Promise<void> {
    const policy = this.options.resetPolicy;
    if (policy === 'none') throw error;
    const position = await this.retry(
      () => (policy === 'earliest' ? this.handle.earliestOffset() : this.handle.latestOffset()),
      `reset to the ${policy} offset`,
    );
    if (epoch !== this.fetchEpoch) return;
    this.options.logger.warn('Offset out of range: applying the reset policy', {
      topic: this.ref.topic,
      partition: this.ref.partition,
      offset: this.position?.toString(),
      policy,
      resetTo: position.toString(),
    });
    this.moveTo(position);
  }

  private moveTo(position: bigint): void {
    this.position = position;
    if (position > this.end) this.end = position;
  }

  private drop(): void {
    this.currentEpoch++;
    this.fetchEpoch++;
    for (const chunk of this.chunks) this.buffer.release(chunk.bytes);
    this.chunks.length = 0;
    this.buffered = 0;
    this.needed = 0;
  }

  private idle(): void {
    // A read that long-polls already waited for records at the broker: polling again at once is the next wait,
    // and a backoff here would only delay records that arrive in between.
    if (this.handle.waitsForData === true) return;
    this.pollAt = performance.now() + this.idleDelayMs;
    this.idleDelayMs = Math.min(this.options.idlePollMaxMs, this.idleDelayMs * 2);
  }

  private wake(): void {
    this.pollAt = 0;
    this.idleDelayMs = this.options.idlePollMinMs;
  }

  private retry<T>(operation: () => Promise<T>, what: string): Promise<T> {
    return retrying(
      operation,
      this.options.retry,
      this.options.logger,
      `${what} of ${this.ref.topic}/${this.ref.partition}`,
    );
  }
}

/** The offset of the chunk's next record to hand out, or null when it has none left. */
function nextOf(chunk: BufferedChunk): bigint | null {
  return chunk.next < chunk.records.length ? chunk.records.offsetAt(chunk.next) : null;
}
