/**
 * A scan for one producer's stored batches on a partition, for a writer that has never seen the producer
 * (a retry that reaches another broker or a new function invocation). It reads the headers of the unindexed
 * segments (those after `meta.indexedEndOffset`) from the newest backwards until it has the producer's recent
 * batches; if they are not enough, the newest index object's cumulative producer table supplies the older ones
 * (design brief §5). It never reads the header of an indexed segment.
 *
 * Cost: one GET (meta), one LIST per 1,000 unindexed segments, one range GET per unindexed segment read and at
 * most one GET of the newest index object. Maintenance indexes a partition once it has a few dozen sealed
 * segments, so the scan stays short however long the partition is.
 */
import type { PartitionRef } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { readIndex } from './partition-index.js';
import type { ProducerState, StoredBatchRef } from './producer-state.js';
import { listSegments, readSegmentHead } from './segment-list.js';
import { requireMeta } from './tail.js';

const WANTED_RECENT = 8;

export async function scanProducer(
  store: ObjectStore,
  ref: PartitionRef,
  producerId: bigint,
  headerReadBytes?: number,
): Promise<ProducerState> {
  const meta = await requireMeta(store, ref);
  const from = meta.indexedEndOffset > meta.logStartOffset ? meta.indexedEndOffset : meta.logStartOffset;
  const segments = await listSegments(store, ref, from);
  const found: StoredBatchRef[] = [];
  for (let index = segments.length - 1; index >= 0 && found.length < WANTED_RECENT; index--) {
    const segment = segments[index]!;
    const head = await readSegmentHead(store, segment.key, headerReadBytes);
    if (head === null) continue;
    const mine = head.header.batches
      .filter((entry) => entry.producerId === producerId && entry.baseSequence >= 0)
      .map((entry) => {
        const baseOffset = head.header.baseOffset + BigInt(entry.relativeOffset);
        return {
          baseSequence: entry.baseSequence,
          lastSequence: entry.baseSequence + entry.offsetCount - 1,
          baseOffset,
          lastOffset: baseOffset + BigInt(entry.offsetCount) - 1n,
        };
      });
    found.unshift(...mine);
  }
  if (found.length < WANTED_RECENT && meta.newestIndex !== null && meta.indexedEndOffset > meta.logStartOffset) {
    const index = await readIndex(store, meta.newestIndex);
    const indexed = index?.producers.find((producer) => producer.producerId === producerId);
    // Batches below the log start are gone: a retry of one of them cannot be answered with its offsets.
    const kept = (indexed?.batches ?? []).filter((batch) => batch.baseOffset >= meta.logStartOffset);
    found.unshift(...kept);
  }
  const recent = found.slice(-WANTED_RECENT);
  return { lastSequence: recent.at(-1)?.lastSequence ?? -1, recent };
}
