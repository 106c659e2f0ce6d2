/**
 * A scan for one producer's stored batches on a partition, for a writer that has never seen the producer
 * (a retry that reaches another broker or a new function invocation). It reads segment headers from the
 * newest backwards until it has the producer's recent batches, or reaches the log start.
 *
 * Cost: one LIST per 1,000 segments plus one range GET per segment read; a producer that never wrote to the
 * partition costs a header read of every segment. Index objects, which summarise producers per sealed
 * range, bound this (maintenance work); until then scans are only for producers a writer did not create.
 */
import type { PartitionRef } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
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
  const segments = await listSegments(store, ref, meta.logStartOffset);
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
  const recent = found.slice(-WANTED_RECENT);
  return { lastSequence: recent.at(-1)?.lastSequence ?? -1, recent };
}
