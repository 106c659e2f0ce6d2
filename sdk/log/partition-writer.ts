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
import type { ProducedBatch } from '../format/produced-batch.js';
import {
  ControlType,
  type EncodedBatch,
  encodeBatch,
  encodeControlBatch,
  encodeSegment,
  type LogRecord,
  type SegmentHeader,
} from '../format/segment.js';
import { backoffDelayMs, sleep } from '../retry.js';
import { type PartitionRef, segmentKey } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { findIndexCovering, segmentAt } from './partition-index.js';
import { type PartitionMeta, readPartitionMeta } from './partition-meta.js';
import { scanProducer } from './producer-scan.js';
import { findStored, ProducerTable, randomProducerId, type StoredBatchRef } from './producer-state.js';
import { recordSizeProblem, recordSizeText } from './record-size.js';
import { readSegmentHead } from './segment-list.js';
import { getWithRetries } from './store-reads.js';
import { discoverTail } from './tail.js';
import { batchFences, type ExclusiveWriter, findHighestEpoch, type MetFence, scanJump } from './writer-fence.js';

export interface AppendRequest {
  records: readonly LogRecord[];
  producerId: bigint;
  baseSequence: number;
  compression?: Compression;
  /** The topic's current `maxMessageBytes`; overrides the writer's option (topic config can change). */
  maxMessageBytes?: number;
  /** The exclusive writer this batch goes through (a producer with a fencing id); absent for shared writers. */
  writer?: ExclusiveWriter;
}

/**
 * A batch a producer already encoded, appended as it is (a broker's binary produce body): its records are not
 * decoded and encoded again. The writer applies the checks it applies to `AppendRequest`s to it: at least one
 * record, `maxMessageBytes` per record, `maxBatchBytes`, and the producer id and sequence against the log.
 */
export interface EncodedAppendRequest {
  /** Checked by `checkProducedBatch` (sdk/format/produced-batch.ts); its writer epoch must be this writer's. */
  batch: ProducedBatch;
  /** The topic's current `maxMessageBytes`, as in AppendRequest. */
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
  /** The fencing id of an exclusive writer, named in its FENCED errors. */
  fencingId?: string;
}

type Resolution = { kind: 'ours'; etag: string } | { kind: 'taken'; header: SegmentHeader } | { kind: 'absent' };

/** How often a writer whose tail fell below the log start rediscovers it before giving up. */
const MAX_REDISCOVERIES = 4;

export class PartitionWriter {
  readonly ref: PartitionRef;
  private readonly store: ObjectStore;
  private readonly options: PartitionLogOptions;
  private writerEpoch: number;
  private readonly writerId: bigint;
  private readonly fencingId: string | undefined;
  /** Set once this writer met a fence: every later append fails with it and writes nothing. */
  private fenced: KlogError | null = null;
  /** An exclusive writer has checked every batch below this offset for fences (null: none checked yet). */
  private fenceCheckedTo: bigint | null = null;
  private readonly maxMessageBytes: number;
  private readonly producers = new ProducerTable();
  private readonly freshProducers = new Set<bigint>();
  private tail: bigint | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(store: ObjectStore, ref: PartitionRef, options: PartitionWriterOptions = {}) {
    this.store = store;
    this.ref = ref;
    const { writerEpoch, writerId, maxMessageBytes, fencingId, ...logOptions } = options;
    this.options = { ...partitionLogDefaults, ...withoutUndefined(logOptions) };
    this.writerEpoch = writerEpoch ?? 0;
    this.writerId = writerId ?? randomProducerId();
    this.fencingId = fencingId;
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
  append(request: AppendRequest | EncodedAppendRequest): Promise<AppendResult> {
    const result = this.queue.then(() => this.appendNow(request));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Appends several batches as one segment: a broker's group commit (docs/broker-api.md), queued with appends.
   * Each batch settles alone: one that fails validation or its sequence check is rejected without the others,
   * and one stored before (a retry) is fulfilled with the stored offsets. Only one batch per producer id (other
   * than 0) may be in one call, because a producer's batches are checked in order against what is stored.
   */
  appendMany(
    requests: readonly (AppendRequest | EncodedAppendRequest)[],
  ): Promise<PromiseSettledResult<AppendResult>[]> {
    const result = this.queue.then(() => this.appendManyNow(requests));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async appendManyNow(
    requests: readonly (AppendRequest | EncodedAppendRequest)[],
  ): Promise<PromiseSettledResult<AppendResult>[]> {
    const settled: (PromiseSettledResult<AppendResult> | undefined)[] = requests.map(() => undefined);
    const batches: { index: number; batch: EncodedBatch }[] = [];
    const producers = new Set<bigint>();
    for (const [index, request] of requests.entries()) {
      try {
        if (this.fenced !== null) throw this.fenced;
        const batch = this.encodeRequest(request);
        if (batch.producerId !== 0n && producers.has(batch.producerId)) {
          throw new KlogError(
            'INVALID_ARGUMENT',
            `Producer ${batch.producerId} has two batches in one group commit on ${this.where()}; send them one at a time.`,
            { context: this.context() },
          );
        }
        producers.add(batch.producerId);
        const duplicate = this.tail === null ? null : await this.checkSequence(batch);
        if (duplicate === null) batches.push({ index, batch });
        else settled[index] = { status: 'fulfilled', value: duplicate };
      } catch (error) {
        settled[index] = { status: 'rejected', reason: error };
      }
    }
    const results = batches.map((): PromiseSettledResult<AppendResult> | undefined => undefined);
    try {
      await this.commitMany(
        batches.map(({ batch }) => batch),
        results,
      );
    } catch (error) {
      // A failure of the segment itself (unknown outcome, deleted topic, fence) fails every batch still in it.
      for (const [position, result] of results.entries())
        results[position] = result ?? { status: 'rejected', reason: error };
    }
    for (const [position, { index }] of batches.entries()) settled[index] = results[position];
    // Every request settled above: in the loop, or through its batch's result.
    return settled as PromiseSettledResult<AppendResult>[];
  }

  /** The writer epoch this writer's batches carry: 0 for a shared writer, set by `takeOver` otherwise. */
  get epoch(): number {
    return this.writerEpoch;
  }

  /**
   * Takes the partition over (brief §7): finds its highest writer epoch and writes a WRITER_EPOCH control segment
   * with the next epoch at the tail, through the same conditional create and resolve routine as an append. A
   * takeover that meets another one on the way (two instances starting at once) raises its epoch past it and
   * tries the next offset: the last takeover wins and fences the earlier ones. Resolves with the new epoch;
   * queued with appends.
   */
  takeOver(): Promise<number> {
    const result = this.queue.then(() => this.takeOverNow());
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async takeOverNow(): Promise<number> {
    if (this.fenced !== null) throw this.fenced;
    const found = await findHighestEpoch(this.store, this.ref, this.options.headerReadBytes);
    // The jump to the tail skips headers this writer never read, as a rediscovery does.
    this.producers.retainOnly(this.freshProducers);
    let epoch = Math.max(found.writerEpoch, this.writerEpoch) + 1;
    let tail = found.tail;
    let absentRetries = 0;
    let rediscoveries = 0;
    for (;;) {
      this.tail = tail;
      const control = encodeControlBatch(
        ControlType.WRITER_EPOCH,
        { writerId: this.writerId.toString(), epoch },
        { producerId: this.writerId, baseSequence: -1, writerEpoch: epoch, timestamp: Date.now() },
      );
      const key = segmentKey(this.ref, tail);
      const outcome = await this.store.put(key, encodeSegment(tail, [control]), { ifNoneMatch: '*' });
      const found: Resolution =
        outcome.kind === 'done' ? { kind: 'ours', etag: outcome.etag } : await this.resolve(key, [control]);
      if (found.kind === 'ours') {
        if ((await this.confirm(tail, key, found.etag, [control])) !== null) {
          this.writerEpoch = epoch;
          this.fenceCheckedTo = this.tail;
          return epoch;
        }
        if (++rediscoveries > MAX_REDISCOVERIES) throw this.staleTail(tail);
        const again = await findHighestEpoch(this.store, this.ref, this.options.headerReadBytes);
        epoch = Math.max(epoch, again.writerEpoch + 1);
        tail = again.tail;
        continue;
      }
      if (found.kind === 'taken') {
        epoch = Math.max(epoch, ...found.header.batches.map((entry) => entry.writerEpoch + 1));
        tail = found.header.endOffset;
        continue;
      }
      if (++absentRetries > this.options.resolveAttempts) throw this.unknownOutcome(key);
      await sleep(backoffDelayMs(absentRetries, this.backoff()));
    }
  }

  private async appendNow(request: AppendRequest | EncodedAppendRequest): Promise<AppendResult> {
    if (this.fenced !== null) throw this.fenced;
    const batch = this.encodeRequest(request);
    if (this.tail !== null) {
      const duplicate = await this.checkSequence(batch);
      if (duplicate !== null) return duplicate;
    }
    return this.commit(batch);
  }

  private async commit(batch: EncodedBatch): Promise<AppendResult> {
    const results: (PromiseSettledResult<AppendResult> | undefined)[] = [undefined];
    await this.commitMany([batch], results);
    const [result] = results;
    if (result?.status === 'fulfilled') return result.value;
    throw result?.reason;
  }

  /**
   * Writes `batches` as one segment at the tail, settling each batch's entry of `results`. A batch found stored
   * on the way (moving past another writer's segment, or after a rediscovery) settles as a duplicate and leaves
   * the segment; one failing its sequence check settles as rejected. Failures of the segment itself throw.
   */
  private async commitMany(
    batches: readonly EncodedBatch[],
    results: (PromiseSettledResult<AppendResult> | undefined)[],
  ): Promise<void> {
    let pending = batches.map((batch, index) => ({ batch, index }));
    const settleStored = async (check: (batch: EncodedBatch) => Promise<AppendResult | null> | AppendResult | null) => {
      const unsettled: typeof pending = [];
      for (const item of pending) {
        try {
          const duplicate = await check(item.batch);
          if (duplicate === null) unsettled.push(item);
          else results[item.index] = { status: 'fulfilled', value: duplicate };
        } catch (error) {
          if (error instanceof KlogError && error.code === 'FENCED') throw error;
          results[item.index] = { status: 'rejected', reason: error };
        }
      }
      pending = unsettled;
    };
    let absentRetries = 0;
    let rediscoveries = 0;
    while (pending.length > 0) {
      let tail = this.tail;
      if (tail === null) {
        tail = await this.rediscover();
        // The jump may have passed over these very batches, stored through another writer meanwhile.
        await settleStored((batch) => this.checkSequence(batch));
        if (pending.length === 0) return;
      }
      const segmentBatches = pending.map(({ batch }) => batch);
      const key = segmentKey(this.ref, tail);
      const outcome = await this.store.put(key, encodeSegment(tail, segmentBatches), { ifNoneMatch: '*' });
      const found: Resolution =
        outcome.kind === 'done' ? { kind: 'ours', etag: outcome.etag } : await this.resolve(key, segmentBatches);
      if (found.kind === 'ours') {
        const acked = await this.confirm(tail, key, found.etag, segmentBatches);
        if (acked !== null) {
          for (const [position, { index }] of pending.entries()) {
            results[index] = { status: 'fulfilled', value: acked[position] as AppendResult };
          }
          return;
        }
        if (++rediscoveries > MAX_REDISCOVERIES) throw this.staleTail(tail);
        continue;
      }
      if (found.kind === 'taken') {
        const { header } = found;
        await settleStored((batch) => this.movePast(header, batch));
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
  private async resolve(key: string, batches: readonly EncodedBatch[]): Promise<Resolution> {
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
      // Ours only if it holds exactly these batches: a retried batch that another writer stored together with
      // other batches sits at another offset, which moving past the segment learns.
      return holdsExactly(head.header, batches)
        ? { kind: 'ours', etag: head.etag }
        : { kind: 'taken', header: head.header };
    }
    throw this.unknownOutcome(key);
  }

  /**
   * The check before acknowledging (brief §5). Returns null when the segment turned out to be an orphan
   * below the log start, after which the caller appends again at the rediscovered tail.
   */
  private async confirm(
    tail: bigint,
    key: string,
    etag: string,
    batches: readonly EncodedBatch[],
  ): Promise<AppendResult[] | null> {
    const current = await readPartitionMeta(this.store, this.ref);
    const orphanReason =
      current === null
        ? 'missing'
        : current.meta.sealed
          ? 'sealed'
          : tail < current.meta.logStartOffset
            ? 'below'
            : null;
    if (orphanReason === null && current !== null && tail < current.meta.indexedEndOffset) {
      // T was indexed (and maybe compacted) before this check: ours only if the index says so (docs/fencing.md §6).
      if (!(await this.heldByIndex(current.meta, tail, key, batches))) {
        await this.store.delete(key, { ifMatch: etag }).catch(() => undefined);
        this.forgetTail();
        return null;
      }
    }
    if (orphanReason === null) {
      let next = tail;
      const acked = batches.map((batch) => {
        const stored = this.storedRef(batch, next);
        this.producers.observe(batch.producerId, stored);
        next += BigInt(batch.recordCount);
        return { baseOffset: stored.baseOffset, lastOffset: stored.lastOffset, duplicate: false };
      });
      this.tail = next;
      return acked;
    }
    // Nothing below the log start or in a sealed partition is ever read, so deleting the orphan is tidiness,
    // not correctness; its outcome does not matter.
    await this.store.delete(key, { ifMatch: etag }).catch(() => undefined);
    this.forgetTail();
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

  /**
   * Whether the index entry covering `tail` holds these batches: the entry is this very `log/` key (a legit append
   * indexed between its PUT and the meta check), or a `data/` segment whose directory at `tail` lists the same
   * batches (producer id, base sequence, offset count and CRC; the CRC costs a 4-byte range GET per batch). False
   * means the key was free only because compaction deleted the original after its grace period: an orphan, which
   * no index references, so the caller may delete it.
   */
  private async heldByIndex(
    meta: PartitionMeta,
    tail: bigint,
    key: string,
    batches: readonly EncodedBatch[],
  ): Promise<boolean> {
    // The chain in meta.json, never a LIST: an index object a stalled run created outside the chain may list this
    // very key as it found it, an orphan PUT into a freed key (see findIndexCovering).
    const index = await findIndexCovering(this.store, meta, tail);
    const entry = index === null ? undefined : segmentAt(index, tail);
    // meta.json named an indexed end past T, so an index covers T; not finding it leaves the outcome unknown.
    if (entry === undefined) throw this.unknownOutcome(key);
    if (entry.key === key) return true;
    const head = await readSegmentHead(this.store, entry.key, this.options.headerReadBytes);
    if (head === null) throw this.unknownOutcome(key);
    let relative = Number(tail - head.header.baseOffset);
    for (const batch of batches) {
      const stored = head.header.batches.find((candidate) => candidate.relativeOffset === relative);
      if (
        stored === undefined ||
        stored.producerId !== batch.producerId ||
        stored.baseSequence !== batch.baseSequence ||
        stored.offsetCount !== batch.recordCount
      ) {
        return false;
      }
      const crc = await getWithRetries(this.store, entry.key, { offset: stored.position, length: 4 });
      if (crc === null) throw this.unknownOutcome(key);
      if (Buffer.from(crc.body).readUInt32BE(0) !== batch.crc) return false;
      relative += batch.recordCount;
    }
    return true;
  }

  /** Learns from a segment found at the tail: fences, producers' sequences; returns a duplicate's result. */
  private movePast(header: SegmentHeader, batch: EncodedBatch): AppendResult | null {
    for (const entry of header.batches) {
      if (batchFences(entry, this.writerEpoch, this.writerId)) {
        throw this.fence({
          writerEpoch: entry.writerEpoch,
          writerId: entry.producerId,
          offset: header.baseOffset + BigInt(entry.relativeOffset),
        });
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
    const tail =
      this.writerEpoch > 0
        ? await this.jumpChecked()
        : await discoverTail(this.store, this.ref, this.options.headerReadBytes);
    // The jump may skip segments this writer never read, so what it knew of other producers may be stale.
    this.producers.retainOnly(this.freshProducers);
    this.tail = tail;
    return tail;
  }

  /**
   * The jump of an exclusive writer whose tail is unknown: unlike a shared writer's, it reads every batch it
   * jumps over (or the index `fence` for indexed offsets), so it cannot skip a takeover in the middle.
   */
  private async jumpChecked(): Promise<bigint> {
    const writer = { writerEpoch: this.writerEpoch, writerId: this.writerId };
    const scan = await scanJump(this.store, this.ref, this.fenceCheckedTo, writer, this.options.headerReadBytes);
    if (scan.fence !== null) throw this.fence(scan.fence);
    this.fenceCheckedTo = scan.tail;
    return scan.tail;
  }

  /** Forgets the cached tail, remembering how far this writer had checked the log for fences. */
  private forgetTail(): void {
    if (this.tail !== null) this.fenceCheckedTo = this.tail;
    this.tail = null;
  }

  /** Records that this writer was fenced, so that it writes nothing more, and returns the error. */
  private fence(met: MetFence): KlogError {
    const by =
      this.fencingId === undefined
        ? `a writer with epoch ${met.writerEpoch}`
        : `another writer with fencing id "${this.fencingId}" (epoch ${met.writerEpoch})`;
    const at = met.offset === null ? 'in the indexed part of the log' : `at offset ${met.offset}`;
    this.fenced = new KlogError(
      'FENCED',
      `This writer (epoch ${this.writerEpoch}) was fenced on ${this.where()}: ${by} took the partition over ${at}. ` +
        'It writes nothing more to this partition; stop it and let the new writer continue.',
      {
        context: {
          ...this.context(),
          ...(met.offset === null ? {} : { offset: met.offset }),
          ...(this.fencingId === undefined ? {} : { fencingId: this.fencingId }),
          writerEpoch: this.writerEpoch,
          fencedByEpoch: met.writerEpoch,
        },
        retriable: false,
      },
    );
    return this.fenced;
  }

  /** Validates a request and encodes its batch with this writer's epoch (an encoded batch is only checked). */
  private encodeRequest(request: AppendRequest | EncodedAppendRequest): EncodedBatch {
    let batch: EncodedBatch;
    if ('batch' in request) {
      batch = request.batch;
      this.validateEncoded(request);
    } else {
      this.validate(request);
      batch = encodeBatch(request.records, {
        producerId: request.producerId,
        baseSequence: request.baseSequence,
        writerEpoch: this.writerEpoch,
        compression: request.compression ?? 'none',
      });
    }
    if (batch.bytes.length > this.options.maxBatchBytes) {
      throw new KlogError(
        'RECORD_TOO_LARGE',
        `A batch of ${batch.bytes.length} bytes exceeds maxBatchBytes (${this.options.maxBatchBytes}) on ` +
          `${this.where()}. Send fewer records per batch or raise maxBatchBytes.`,
        { context: this.context() },
      );
    }
    return batch;
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

  /** The checks `validate` and `encodeBatch` make, on a batch that is already encoded. */
  private validateEncoded({ batch, maxMessageBytes }: EncodedAppendRequest): void {
    if (batch.control || batch.recordCount === 0 || batch.recordBytes.length !== batch.recordCount) {
      throw new KlogError('INVALID_ARGUMENT', `An append to ${this.where()} needs a record batch with records.`, {
        context: this.context(),
      });
    }
    if (batch.writerEpoch !== this.writerEpoch) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `A batch for ${this.where()} carries writer epoch ${batch.writerEpoch}, but this writer writes epoch ` +
          `${this.writerEpoch}. Producers encode their batches with epoch 0.`,
        { context: this.context() },
      );
    }
    const limit = maxMessageBytes ?? this.maxMessageBytes;
    for (let index = 0; index < batch.recordCount; index++) {
      const bytes = batch.recordBytes[index]!;
      if (bytes > limit) {
        throw new KlogError(
          'RECORD_TOO_LARGE',
          `Record ${index} for ${this.where()} is ${recordSizeText(bytes, limit)}. Split the value or raise the ` +
            "topic's maxMessageBytes.",
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

/** Whether a segment holds exactly these batches, in this order (the same producer, sequence, size and records). */
function holdsExactly(header: SegmentHeader, batches: readonly EncodedBatch[]): boolean {
  return (
    header.batches.length === batches.length &&
    header.batches.every((entry, index) => {
      const batch = batches[index];
      return (
        batch !== undefined &&
        entry.producerId === batch.producerId &&
        entry.baseSequence === batch.baseSequence &&
        entry.offsetCount === batch.recordCount &&
        entry.length === batch.bytes.length &&
        entry.maxTimestamp === batch.maxTimestamp
      );
    })
  );
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
