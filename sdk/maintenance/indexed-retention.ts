/**
 * Retention's part for index objects and compacted segments: once the log start has moved, `data/` segments and
 * index objects wholly below it are garbage, deleted like the `log/` segments below it (partition-retention.ts).
 * Each index object's end is read from the object itself (one GET per candidate), never guessed from the next
 * key, so an index that still reaches the log start is kept.
 */

import { listIndexes, readIndex } from '../log/partition-index.js';
import type { PartitionMeta } from '../log/partition-meta.js';
import { listWithRetries } from '../log/store-reads.js';
import { dataSegmentsPrefix, type PartitionRef, parseDataSegmentKey } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import type { PartitionMaintenance } from './maintenance-result.js';

/** True when `data/` segments or index objects lie below the log start. Two LISTs, only on indexed partitions. */
export async function indexedLeftovers(store: ObjectStore, ref: PartitionRef, meta: PartitionMeta): Promise<boolean> {
  if (meta.indexedEndOffset === 0n) return false;
  const data = await dataBelow(store, ref, meta.logStartOffset);
  if (data.length > 0) return true;
  const indexes = await listIndexes(store, ref);
  // The newest index is kept whatever the log start says: its producer table carries on into the next chain.
  return indexes.slice(0, -1).some((index) => index.baseOffset < meta.logStartOffset);
}

/** Deletes `data/` segments ending at or below `logStart` and index objects ending there, but never the newest. */
export async function deleteIndexedBelow(
  store: ObjectStore,
  ref: PartitionRef,
  logStart: bigint,
  result: PartitionMaintenance,
): Promise<void> {
  for (const segment of await dataBelow(store, ref, logStart)) {
    const outcome = await store.delete(segment.key);
    if (outcome.kind === 'done') {
      result.deletedSegments++;
      result.deletedBytes += segment.size;
    }
  }
  for (const listed of (await listIndexes(store, ref)).slice(0, -1)) {
    if (listed.baseOffset >= logStart) break;
    const index = await readIndex(store, listed.key);
    if (index !== null && index.endOffset <= logStart) await store.delete(listed.key);
  }
}

async function dataBelow(store: ObjectStore, ref: PartitionRef, logStart: bigint) {
  const listed = await listWithRetries(store, dataSegmentsPrefix(ref));
  return listed.filter((object) => {
    const range = parseDataSegmentKey(ref, object.key);
    return range !== null && range.endOffset <= logStart;
  });
}
