/**
 * The index object `index/<20-digit base>.idx` (design brief §3): a summary of one sealed range of a partition,
 * written once by maintenance with `If-None-Match: *` and never changed. Index objects chain: each covers
 * [baseOffset, endOffset) and starts where the previous one ended, and `meta.json` names the newest one and its
 * end (`indexedEndOffset`). Readers, writers and maintenance use them so that tail discovery, seeks by offset or
 * time and producer scans cost a bounded number of requests instead of a LIST and a header read per segment.
 * Each index also lists the whole chain up to itself (`chain`), so a reader finds the index covering any offset
 * with two GETs after `meta.json` (the newest index, then the covering one) however long the chain is.
 *
 * JSON through json-object.ts (kind `partition-index`, with the envelope's formatVersion and nonce). Offsets and
 * producer ids are decimal strings (they are 64-bit); times are milliseconds since the epoch. Fields:
 *
 *   baseOffset    first offset the index covers; the key's offset
 *   endOffset     the offset after the last one it covers: the next index's baseOffset
 *   previous      key of the index that ends at baseOffset, or null for the first of a chain (the first index,
 *                 or the first after retention moved the log start past every earlier index)
 *   createdAt     when the writing run made it, on that run's clock. Used only for the compaction grace period:
 *                 `log/` originals that a `data/` segment of this index replaces are deleted once createdAt plus
 *                 the grace period has passed (docs/fencing.md §6)
 *   segments      the segments covering [baseOffset, endOffset) in offset order, each
 *                   baseOffset, endOffset   its offsets, contiguous with its neighbours
 *                   key                     a `log/` key, or a `data/` key when compaction merged several
 *                   size                    bytes of the object (readers choose whole or range GETs from it)
 *                   maxTimestamp            its largest batch timestamp (seeks by time skip to it)
 *   producers     CUMULATIVE idempotence table, merged with the previous index's: per producer id its most recent
 *                 stored batches at or before endOffset (up to 8, oldest first: baseSequence, lastSequence,
 *                 baseOffset, lastOffset) and `lastTimestamp`, the largest timestamp of its batches. Producers idle
 *                 for longer than producer.id.expiration.ms (1 day) before createdAt are left out, as Kafka
 *                 expires them
 *   fence         CUMULATIVE: `writerEpoch`, the highest writer epoch of any batch at or before endOffset, and
 *                 `writerId`, the producer id of the WRITER_EPOCH control batch that raised it to that epoch
 *                 (null when no control batch did, e.g. epoch 0). An exclusive writer whose tail jumps across
 *                 indexed segments checks this instead of reading them (brief §7)
 *   chain         CUMULATIVE directory of the chain, oldest first and ending with this index itself: per index
 *                 baseOffset, endOffset, key and maxTimestamp (the largest of its segments'). Contiguous; entries
 *                 wholly below the log start when the index was built are left out, so its length is bounded by
 *                 what retention keeps. Readers pick the covering index from it instead of walking `previous`,
 *                 and never from a LIST of `index/` (docs/fencing.md §6). Absent in index objects written before
 *                 it existed: decoded as null, and readers walk `previous` instead
 */
import { KlogError } from '../errors.js';
import { decodeJsonObject, encodeJsonObject } from './json-object.js';

export interface IndexedSegment {
  baseOffset: bigint;
  endOffset: bigint;
  key: string;
  size: number;
  maxTimestamp: number;
}

/** The shape of sdk/log/producer-state.ts StoredBatchRef (the format layer does not import the log layer). */
export interface IndexedBatch {
  baseSequence: number;
  lastSequence: number;
  baseOffset: bigint;
  lastOffset: bigint;
}

export interface IndexedProducer {
  producerId: bigint;
  /** Largest timestamp of the producer's batches seen so far: producers idle too long are pruned. */
  lastTimestamp: number;
  /** Most recent stored batches, oldest first. */
  batches: IndexedBatch[];
}

export interface IndexFence {
  writerEpoch: number;
  writerId: bigint | null;
}

/** One index object of a chain, as the chain directory of a later index lists it. */
export interface ChainEntry {
  baseOffset: bigint;
  endOffset: bigint;
  key: string;
  /** The largest maxTimestamp of its segments: seeks by time skip whole index objects with it. */
  maxTimestamp: number;
}

export interface PartitionIndex {
  baseOffset: bigint;
  endOffset: bigint;
  previous: string | null;
  createdAt: number;
  segments: IndexedSegment[];
  producers: IndexedProducer[];
  fence: IndexFence;
  /** The chain up to and including this index, oldest first; null in an index written before the directory. */
  chain: ChainEntry[] | null;
}

interface StoredSegment {
  baseOffset: string;
  endOffset: string;
  key: string;
  size: number;
  maxTimestamp: number;
}

interface StoredBatch {
  baseSequence: number;
  lastSequence: number;
  baseOffset: string;
  lastOffset: string;
}

interface StoredProducer {
  producerId: string;
  lastTimestamp: number;
  batches: StoredBatch[];
}

interface StoredChainEntry {
  baseOffset: string;
  endOffset: string;
  key: string;
  maxTimestamp: number;
}

interface StoredIndex {
  baseOffset: string;
  endOffset: string;
  previous: string | null;
  createdAt: number;
  segments: StoredSegment[];
  producers: StoredProducer[];
  fence: { writerEpoch: number; writerId: string | null };
  chain?: StoredChainEntry[];
}

export function encodePartitionIndex(index: PartitionIndex): Uint8Array {
  return encodeJsonObject<StoredIndex>('partition-index', {
    baseOffset: index.baseOffset.toString(),
    endOffset: index.endOffset.toString(),
    previous: index.previous,
    createdAt: index.createdAt,
    segments: index.segments.map((segment) => ({
      baseOffset: segment.baseOffset.toString(),
      endOffset: segment.endOffset.toString(),
      key: segment.key,
      size: segment.size,
      maxTimestamp: segment.maxTimestamp,
    })),
    producers: index.producers.map((producer) => ({
      producerId: producer.producerId.toString(),
      lastTimestamp: producer.lastTimestamp,
      batches: producer.batches.map((batch) => ({
        baseSequence: batch.baseSequence,
        lastSequence: batch.lastSequence,
        baseOffset: batch.baseOffset.toString(),
        lastOffset: batch.lastOffset.toString(),
      })),
    })),
    fence: {
      writerEpoch: index.fence.writerEpoch,
      writerId: index.fence.writerId === null ? null : index.fence.writerId.toString(),
    },
    ...(index.chain === null
      ? {}
      : {
          chain: index.chain.map((entry) => ({
            baseOffset: entry.baseOffset.toString(),
            endOffset: entry.endOffset.toString(),
            key: entry.key,
            maxTimestamp: entry.maxTimestamp,
          })),
        }),
  });
}

/** The entry for `index`, stored at `key`, in a chain directory. */
export function chainEntryOf(index: PartitionIndex, key: string): ChainEntry {
  let maxTimestamp = 0;
  for (const segment of index.segments) maxTimestamp = Math.max(maxTimestamp, segment.maxTimestamp);
  return { baseOffset: index.baseOffset, endOffset: index.endOffset, key, maxTimestamp };
}

/** Decodes and checks an index object; `key` names it in errors. */
export function decodePartitionIndex(bytes: Uint8Array, key: string): PartitionIndex {
  const stored = decodeJsonObject<StoredIndex>('partition-index', bytes, key);
  try {
    const index: PartitionIndex = {
      baseOffset: toOffset(stored.baseOffset),
      endOffset: toOffset(stored.endOffset),
      previous: typeof stored.previous === 'string' ? stored.previous : null,
      createdAt: toNumber(stored.createdAt),
      segments: stored.segments.map((segment) => ({
        baseOffset: toOffset(segment.baseOffset),
        endOffset: toOffset(segment.endOffset),
        key: String(segment.key),
        size: toNumber(segment.size),
        maxTimestamp: toNumber(segment.maxTimestamp),
      })),
      producers: stored.producers.map((producer) => ({
        producerId: toOffset(producer.producerId),
        lastTimestamp: toNumber(producer.lastTimestamp),
        batches: producer.batches.map((batch) => ({
          baseSequence: toNumber(batch.baseSequence),
          lastSequence: toNumber(batch.lastSequence),
          baseOffset: toOffset(batch.baseOffset),
          lastOffset: toOffset(batch.lastOffset),
        })),
      })),
      fence: {
        writerEpoch: toNumber(stored.fence.writerEpoch),
        writerId: stored.fence.writerId === null ? null : toOffset(stored.fence.writerId),
      },
      chain:
        stored.chain === undefined
          ? null
          : stored.chain.map((entry) => ({
              baseOffset: toOffset(entry.baseOffset),
              endOffset: toOffset(entry.endOffset),
              key: String(entry.key),
              maxTimestamp: toNumber(entry.maxTimestamp),
            })),
    };
    checkContiguous(index, key);
    checkChain(index, key);
    return index;
  } catch (cause) {
    if (cause instanceof KlogError) throw cause;
    throw corrupt(key, 'a field is missing or has the wrong type', cause);
  }
}

/** The segments must tile [baseOffset, endOffset) exactly: readers rely on it to find an offset's segment. */
function checkContiguous(index: PartitionIndex, key: string): void {
  let next = index.baseOffset;
  for (const segment of index.segments) {
    if (segment.baseOffset !== next || segment.endOffset <= segment.baseOffset) {
      throw corrupt(key, `its segment list does not continue at offset ${next}`);
    }
    next = segment.endOffset;
  }
  if (next !== index.endOffset || index.segments.length === 0) {
    throw corrupt(key, `its segments end at ${next}, not at its endOffset ${index.endOffset}`);
  }
}

/**
 * The chain directory must be contiguous and end with this index: readers pick the covering index from it by
 * offset, and trust that the index at an entry's key covers exactly the entry's range.
 */
function checkChain(index: PartitionIndex, key: string): void {
  if (index.chain === null) return;
  let next: bigint | null = null;
  for (const entry of index.chain) {
    if ((next !== null && entry.baseOffset !== next) || entry.endOffset <= entry.baseOffset) {
      throw corrupt(key, `its chain directory does not continue at offset ${next ?? entry.baseOffset}`);
    }
    next = entry.endOffset;
  }
  const self = index.chain.at(-1);
  if (self === undefined || self.baseOffset !== index.baseOffset || self.endOffset !== index.endOffset) {
    throw corrupt(key, 'its chain directory does not end with the index itself');
  }
}

function toOffset(value: unknown): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]*)$/.test(value)) throw new TypeError(`not an offset: ${value}`);
  return BigInt(value);
}

function toNumber(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`not a number: ${value}`);
  return value;
}

function corrupt(key: string, problem: string, cause?: unknown): KlogError {
  return new KlogError(
    'CORRUPT_OBJECT',
    `${key} is corrupt: ${problem}. klog cannot repair an index object; restore it from a backup.`,
    { context: { key }, cause },
  );
}
