/**
 * The write path of one partition (design brief §5, §7).
 *
 * A writer appends a batch at the tail offset T by creating `log/<T>.seg` with `If-None-Match: *`. Every
 * outcome but success goes through one resolve routine, which reads the key: it holds this batch (done), it
 * holds another batch (move T past it and try again), or it is absent (try the same T again). Before a
 * success is acknowledged, the writer reads the partition's `meta.json`: a segment below the log start or in
 * a sealed partition is an orphan, deleted and never acknowledged.
 *
 * Idempotence: batches carry (producer id, base sequence). The writer learns each producer's last stored
 * sequence from the headers it moves past, or by scanning the partition for producers it has not seen, so a
 * retry that reaches a writer which never saw the first attempt is still stored once. One append is in
 * flight per writer and partition; throughput comes from batching, not pipelining.
 */
import { type PartitionLogOptions, partitionLogDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import type { Compression } from '../format/compression.js';
import {
  type EncodedBatch,
  encodeBatch,
  encodeSegment,
  type LogRecord,
  type SegmentHeader,
} from '../format/segment.js';
import { backoffDelayMs, sleep } from '../retry.js';
import { type PartitionRef, segmentKey } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { readPartitionMeta } from './partition-meta.js';
import { scanProducer } from './producer-scan.js';
import { findStored, ProducerTable, randomProducerId, type StoredBatchRef } from './producer-state.js';
import { recordSizeProblem } from './record-size.js';
import { readSegmentHead } from './segment-list.js';
import { discoverTail } from './tail.js';

export interface AppendRequest {
  records: readonly LogRecord[];
  producerId: bigint;
  baseSequence: number;
  compression?: Compression;
  /** The topic's current `maxMessageBytes`; overrides the writer's option (topic config can change). */
  maxMessageBytes?: number;
}

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** True when this batch had been stored before (a retry); the offsets are those of the stored copy. */
  duplicate: boolean;
}

export interface PartitionWriterOptions extends Partial<PartitionLogOptions> {
  /** 0 for shared writers (the default); exclusive writers use a higher epoch (brief §7). */
  writerEpoch?: number;
  /** Identifies this writer in its control batches; a random id when absent. */
  writerId?: bigint;
  /** Largest single record, from the topic's `maxMessageBytes`. */
  maxMessageBytes?: number;
}

type Resolution = { kind: 'ours'; etag: string } | { kind: 'taken'; header: SegmentHeader } | { kind: 'absent' };

/** How often a writer whose tail fell below the log start rediscovers it before giving up. */
const MAX_REDISCOVERIES = 4;

export class PartitionWriter {
  readonly ref: PartitionRef;
  private readonly store: ObjectStore;
  private readonly options: PartitionLogOptions;
  private readonly writerEpoch: number;
  private readonly writerId: bigint;
  private readonly maxMessageBytes: number;
  private readonly producers = new ProducerTable();
  private readonly freshProducers = new Set<bigint>();
  private tail: bigint | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(store: ObjectStore, ref: PartitionRef, options: PartitionWriterOptions = {}) {
    this.store = store;
    this.ref = ref;
    const { writerEpoch, writerId, maxMessageBytes, ...logOptions } = options;
    this.options = { ...partitionLogDefaults, ...withoutUndefined(logOptions) };
    this.writerEpoch = writerEpoch ?? 0;
    this.writerId = writerId ?? randomProducerId();
    this.maxMessageBytes = maxMessageBytes ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Declares a producer id that is new (random, never used before) and whose batches reach this partition
   * only through this writer, so the writer need not scan the partition for its earlier batches.
   */
  registerProducer(producerId: bigint): void {
    this.freshProducers.add(producerId);
    this.producers.registerFresh(producerId);
  }

  /** The writer's view of the next offset, or null before its first append. */
  get cachedTail(): bigint | null {
    return this.tail;
  }

  /** Appends one batch. Calls queue, so at most one append per writer and partition is in flight. */
  append(request: AppendRequest): Promise<AppendResult> {
    const result = this.queue.then(() => this.appendNow(request));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async appendNow(request: AppendRequest): Promise<AppendResult> {
    this.validate(request);
    const batch = encodeBatch(request.records, {
      producerId: request.producerId,
      baseSequence: request.baseSequence,
      writerEpoch: this.writerEpoch,
      compression: request.compression ?? 'none',
    });
    if (batch.bytes.length > this.options.maxBatchBytes) {
      throw new KlogError(
        'RECORD_TOO_LARGE',
        `A batch of ${batch.bytes.length} bytes exceeds maxBatchBytes (${this.options.maxBatchBytes}) on ` +
          `${this.where()}. Send fewer records per batch or raise maxBatchBytes.`,
        { context: this.context() },
      );
    }
    if (this.tail !== null) {
      const duplicate = await this.checkSequence(batch);
      if (duplicate !== null) return duplicate;
    }
    return this.commit(batch);
  }

  private async commit(batch: EncodedBatch): Promise<AppendResult> {
    let absentRetries = 0;
    let rediscoveries = 0;
    for (;;) {
      let tail = this.tail;
      if (tail === null) {
        tail = await this.rediscover();
        // The jump may have passed over this very batch, stored through another writer meanwhile.
        const duplicate = await this.checkSequence(batch);
        if (duplicate !== null) return duplicate;
      }
      const key = segmentKey(this.ref, tail);
      const outcome = await this.store.put(key, encodeSegment(tail, [batch]), { ifNoneMatch: '*' });
      const found: Resolution =
        outcome.kind === 'done' ? { kind: 'ours', etag: outcome.etag } : await this.resolve(key, batch);
      if (found.kind === 'ours') {
        const acked = await this.confirm(tail, key, found.etag, batch);
        if (acked !== null) return acked;
        if (++rediscoveries > MAX_REDISCOVERIES) throw this.staleTail(tail);
        continue;
      }
      if (found.kind === 'taken') {
        const duplicate = this.movePast(found.header, batch);
        if (duplicate !== null) return duplicate;
        continue;
      }
      if (++absentRetries > this.options.resolveAttempts) throw this.unknownOutcome(key);
      await sleep(backoffDelayMs(absentRetries, this.backoff()));
    }
  }

  /**
   * The one resolve routine: after any outcome but success, read the key to learn what it holds. Reads are
   * retried; a key that cannot be read within the bound is an unknown outcome, never a failure.
   */
  private async resolve(key: string, batch: EncodedBatch): Promise<Resolution> {
    for (let attempt = 0; attempt < this.options.resolveAttempts; attempt++) {
      let head: Awaited<ReturnType<typeof readSegmentHead>>;
      try {
        head = await readSegmentHead(this.store, key, this.options.headerReadBytes);
      } catch (error) {
        if (error instanceof KlogError && error.retriable) {
          await sleep(backoffDelayMs(attempt, this.backoff()));
          continue;
        }
        throw error;
      }
      if (head === null) return { kind: 'absent' };
      const holdsThisBatch = head.header.batches.some(
        (entry) => entry.producerId === batch.producerId && entry.baseSequence === batch.baseSequence,
      );
      return holdsThisBatch ? { kind: 'ours', etag: head.etag } : { kind: 'taken', header: head.header };
    }
    throw this.unknownOutcome(key);
  }

  /**
   * The check before acknowledging (brief §5). Returns null when the segment turned out to be an orphan
   * below the log start, after which the caller appends again at the rediscovered tail.
   */
  private async confirm(tail: bigint, key: string, etag: string, batch: EncodedBatch): Promise<AppendResult | null> {
    const current = await readPartitionMeta(this.store, this.ref);
    const orphanReason =
      current === null
        ? 'missing'
        : current.meta.sealed
          ? 'sealed'
          : tail < current.meta.logStartOffset
            ? 'below'
            : null;
    if (orphanReason === null) {
      const stored = this.storedRef(batch, tail);
      this.producers.observe(batch.producerId, stored);
      this.tail = tail + BigInt(batch.recordCount);
      return { baseOffset: stored.baseOffset, lastOffset: stored.lastOffset, duplicate: false };
    }
    // Nothing below the log start or in a sealed partition is ever read, so deleting the orphan is tidiness,
    // not correctness; its outcome does not matter.
    await this.store.delete(key, { ifMatch: etag }).catch(() => undefined);
    this.tail = null;
    if (orphanReason === 'below') return null;
    if (orphanReason === 'sealed') {
      throw new KlogError(
        'TOPIC_DELETED',
        `Topic "${this.ref.topic}" was deleted; nothing more can be written to it. Create it again to write.`,
        { context: this.context() },
      );
    }
    throw new KlogError('TOPIC_NOT_FOUND', `Partition ${this.where()} does not exist (its meta.json is missing).`, {
      context: this.context(),
    });
  }

  /** Learns from a segment found at the tail: fences, producers' sequences; returns a duplicate's result. */
  private movePast(header: SegmentHeader, batch: EncodedBatch): AppendResult | null {
    for (const entry of header.batches) {
      const fencedByEpoch = entry.writerEpoch > this.writerEpoch;
      const fencedBySibling =
        this.writerEpoch > 0 &&
        entry.control &&
        entry.writerEpoch === this.writerEpoch &&
        entry.producerId !== this.writerId;
      if (fencedByEpoch || fencedBySibling) {
        throw new KlogError(
          'FENCED',
          `Writer epoch ${this.writerEpoch} on ${this.where()} was fenced by a writer with epoch ${entry.writerEpoch}; ` +
            'another writer owns the partition now. Stop writing from this one.',
          { context: { ...this.context(), offset: header.baseOffset + BigInt(entry.relativeOffset) } },
        );
      }
      const baseOffset = header.baseOffset + BigInt(entry.relativeOffset);
      this.producers.observe(entry.producerId, {
        baseSequence: entry.baseSequence,
        lastSequence: entry.baseSequence + entry.offsetCount - 1,
        baseOffset,
        lastOffset: baseOffset + BigInt(entry.offsetCount) - 1n,
      });
    }
    this.tail = header.endOffset;
    return this.duplicateOf(batch);
  }

  /** Before the first attempt: is this batch already stored, or does it skip sequences? */
  private async checkSequence(batch: EncodedBatch): Promise<AppendResult | null> {
    if (batch.producerId === 0n || batch.baseSequence < 0) return null;
    if (this.producers.get(batch.producerId) === undefined) {
      const state = await scanProducer(this.store, this.ref, batch.producerId, this.options.headerReadBytes);
      this.producers.set(batch.producerId, state);
    }
    return this.duplicateOf(batch);
  }

  private duplicateOf(batch: EncodedBatch): AppendResult | null {
    const state = this.producers.get(batch.producerId);
    if (state === undefined || batch.producerId === 0n || batch.baseSequence < 0) return null;
    if (batch.baseSequence <= state.lastSequence) {
      const stored = findStored(state, batch.baseSequence);
      if (stored !== undefined)
        return { baseOffset: stored.baseOffset, lastOffset: stored.lastOffset, duplicate: true };
      throw new KlogError(
        'OUT_OF_ORDER_SEQUENCE',
        `Producer ${batch.producerId} sent sequence ${batch.baseSequence} on ${this.where()}, but sequences up to ` +
          `${state.lastSequence} are stored and this batch is not among the recent ones. The producer must not reuse old sequences.`,
        { context: this.context() },
      );
    }
    if (batch.baseSequence > state.lastSequence + 1) {
      throw new KlogError(
        'OUT_OF_ORDER_SEQUENCE',
        `Producer ${batch.producerId} sent sequence ${batch.baseSequence} on ${this.where()}, but the next stored ` +
          `sequence must be ${state.lastSequence + 1}: earlier batches were never stored. Resend them first.`,
        { context: this.context() },
      );
    }
    return null;
  }

  private async rediscover(): Promise<bigint> {
    const tail = await discoverTail(this.store, this.ref, this.options.headerReadBytes);
    // The jump may skip segments this writer never read, so what it knew of other producers may be stale.
    this.producers.retainOnly(this.freshProducers);
    this.tail = tail;
    return tail;
  }

  private validate(request: AppendRequest): void {
    if (request.records.length === 0) {
      throw new KlogError('INVALID_ARGUMENT', `An append to ${this.where()} needs at least one record.`, {
        context: this.context(),
      });
    }
    for (const [index, record] of request.records.entries()) {
      const problem = recordSizeProblem(record, request.maxMessageBytes ?? this.maxMessageBytes);
      if (problem !== null) {
        throw new KlogError(
          'RECORD_TOO_LARGE',
          `Record ${index} for ${this.where()} is ${problem}. Split the value or raise the topic's maxMessageBytes.`,
          { context: { ...this.context(), recordIndex: index } },
        );
      }
    }
  }

  private storedRef(batch: EncodedBatch, baseOffset: bigint): StoredBatchRef {
    return {
      baseSequence: batch.baseSequence,
      lastSequence: batch.baseSequence + batch.recordCount - 1,
      baseOffset,
      lastOffset: baseOffset + BigInt(batch.recordCount) - 1n,
    };
  }

  private backoff() {
    return { baseDelayMs: this.options.resolveBackoffMs, maxDelayMs: this.options.resolveMaxBackoffMs };
  }

  private where(): string {
    return `${this.ref.topic}/${this.ref.partition}`;
  }

  private context() {
    return { topic: this.ref.topic, partition: this.ref.partition };
  }

  private staleTail(tail: bigint): KlogError {
    return new KlogError(
      'STALE_TAIL',
      `Offset ${tail} on ${this.where()} kept falling below the log start while appending; retry the append.`,
      { context: { ...this.context(), offset: tail } },
    );
  }

  private unknownOutcome(key: string): KlogError {
    return new KlogError(
      'UNKNOWN_OUTCOME',
      `The outcome of an append to ${this.where()} at ${key} is unknown after ${this.options.resolveAttempts} reads. ` +
        'Retry with the same producer id and sequence: the retry is stored at most once.',
      { context: { ...this.context(), key } },
    );
  }
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
