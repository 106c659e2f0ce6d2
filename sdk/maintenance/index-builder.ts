/**
 * Builds the content of an index object (sdk/format/partition-index.ts) from the previous index and the headers
 * of the segments it covers. Pure: no store access. The producer table, the fence and the chain directory are
 * cumulative, so the newest index alone answers "what did producer P store last", "which writer epoch holds the
 * partition" and "which index object covers offset X" for everything up to its end.
 */
import {
  type ChainEntry,
  chainEntryOf,
  type IndexedBatch,
  type IndexedProducer,
  type IndexedSegment,
  type IndexFence,
  type PartitionIndex,
} from '../format/partition-index.js';
import type { SegmentHeader } from '../format/segment.js';

/** As the writer's producer table (sdk/log/producer-state.ts): a retry older than this many batches is rejected. */
const RECENT_BATCHES = 8;

export interface IndexContent {
  /** The key the index is created at (`index/<baseOffset>.idx`): its own entry in the chain directory. */
  key: string;
  baseOffset: bigint;
  /**
   * The newest index before this one, whose producer table and fence carry on; its key is null when it does not
   * end at `baseOffset` (retention moved the log start past it), so this index starts a new chain. Its chain
   * directory carries on too; when it has none (written before the directory), neither has this index, and
   * readers walk `previous` (partition-indexing.ts fills it in from a walk first).
   */
  previous: { key: string | null; index: PartitionIndex } | null;
  createdAt: number;
  /** The log start: chain directory entries wholly below it are left out. */
  logStartOffset: bigint;
  /** The entries, in offset order, with the header of every segment the entry's object holds (one, or the merged ones). */
  segments: { entry: IndexedSegment; headers: readonly SegmentHeader[] }[];
  producerIdExpirationMs: number;
}

export function buildIndex(content: IndexContent): PartitionIndex {
  const producers = new Map<bigint, IndexedProducer>();
  for (const producer of content.previous?.index.producers ?? []) {
    producers.set(producer.producerId, { ...producer, batches: [...producer.batches] });
  }
  let fence: IndexFence = content.previous?.index.fence ?? { writerEpoch: 0, writerId: null };
  for (const { headers } of content.segments) {
    for (const header of headers) {
      for (const entry of header.batches) {
        fence = raisedFence(fence, entry.writerEpoch, entry.control, entry.producerId);
        if (entry.control || entry.producerId === 0n || entry.baseSequence < 0) continue;
        const baseOffset = header.baseOffset + BigInt(entry.relativeOffset);
        const batch: IndexedBatch = {
          baseSequence: entry.baseSequence,
          lastSequence: entry.baseSequence + entry.offsetCount - 1,
          baseOffset,
          lastOffset: baseOffset + BigInt(entry.offsetCount) - 1n,
        };
        const known = producers.get(entry.producerId);
        const producer = known ?? { producerId: entry.producerId, lastTimestamp: entry.maxTimestamp, batches: [] };
        producer.batches.push(batch);
        if (producer.batches.length > RECENT_BATCHES) producer.batches.shift();
        producer.lastTimestamp = Math.max(producer.lastTimestamp, entry.maxTimestamp);
        producers.set(entry.producerId, producer);
      }
    }
  }
  const oldest = content.createdAt - content.producerIdExpirationMs;
  const kept = [...producers.values()]
    .filter((producer) => producer.lastTimestamp >= oldest)
    .sort((a, b) => (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0));
  const entries = content.segments.map((segment) => segment.entry);
  const index: PartitionIndex = {
    baseOffset: content.baseOffset,
    endOffset: entries.at(-1)?.endOffset ?? content.baseOffset,
    previous: content.previous?.key ?? null,
    createdAt: content.createdAt,
    segments: entries,
    producers: kept,
    fence,
    chain: null,
  };
  return { ...index, chain: chainDirectoryOf(content, index) };
}

/**
 * The previous index's directory, without the entries wholly below the log start, and this index's entry; null
 * when the previous index of the chain has no directory.
 */
function chainDirectoryOf(content: IndexContent, index: PartitionIndex): ChainEntry[] | null {
  const self = chainEntryOf(index, content.key);
  const previous = content.previous;
  if (previous === null || previous.key === null) return [self];
  if (previous.index.chain === null) return null;
  return [...previous.index.chain.filter((entry) => entry.endOffset > content.logStartOffset), self];
}

/**
 * The fence after a batch: a higher epoch raises it (naming the writer when the batch is its WRITER_EPOCH control
 * batch); a control batch of the same epoch names the writer if none is named yet.
 */
function raisedFence(fence: IndexFence, epoch: number, control: boolean, producerId: bigint): IndexFence {
  if (epoch > fence.writerEpoch) return { writerEpoch: epoch, writerId: control ? producerId : null };
  if (epoch === fence.writerEpoch && epoch > 0 && control && fence.writerId === null) {
    return { writerEpoch: epoch, writerId: producerId };
  }
  return fence;
}

/** The largest batch timestamp of the given headers (0 for none). */
export function maxTimestampOf(headers: readonly SegmentHeader[]): number {
  let max = 0;
  for (const header of headers) for (const entry of header.batches) max = Math.max(max, entry.maxTimestamp);
  return max;
}
