import { describe, expect, it } from 'vitest';
import { partitionStats } from '../../../sdk/log/partition-stats.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { indexPartition } from '../../../sdk/maintenance/partition-indexing.js';
import { dataSegmentsPrefix, type PartitionRef, segmentsPrefix } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { recordsOf } from '../../helpers/log-fixtures.js';
import { NOW, partitionWithConfig, smallIndexing } from '../../helpers/maintenance-fixtures.js';

/** Every object under `log/` and `data/`: once the originals are gone, exactly the live segments. */
async function storedObjects(store: ObjectStore, ref: PartitionRef): Promise<{ segments: number; bytes: number }> {
  const objects = [...(await store.list(segmentsPrefix(ref))), ...(await store.list(dataSegmentsPrefix(ref)))];
  return { segments: objects.length, bytes: objects.reduce((sum, object) => sum + object.size, 0) };
}

describe('partitionStats', () => {
  it('counts the chain entries and the log/ segments after the indexed end, never compacted originals twice', async () => {
    const store = new MemoryObjectStore();
    const ref = await partitionWithConfig(store, { retentionMs: -1 });
    const writer = new PartitionWriter(store, ref);
    writer.registerProducer(4n);
    for (let segment = 0; segment < 25; segment++) {
      const records = recordsOf([`a${segment}`, `b${segment}`, `c${segment}`], NOW);
      await writer.append({ records, producerId: 4n, baseSequence: segment * 3 });
    }
    const before = await partitionStats(store, ref);
    expect(before).toMatchObject({ earliestOffset: 0n, latestOffset: 75n, segments: 25 });
    expect(before.bytes).toBe((await storedObjects(store, ref)).bytes);

    await indexPartition(store, ref, smallIndexing(NOW));
    // The log/ originals are still there (grace period), but the data/ segments replace them.
    const compacted = await partitionStats(store, ref);
    expect(compacted.segments).toBeLessThan(10);
    expect(compacted.latestOffset).toBe(75n);
    expect((await storedObjects(store, ref)).segments).toBeGreaterThan(25);

    const later = await indexPartition(store, ref, smallIndexing(NOW + 60_000));
    expect(later.deletedOriginals).toBeGreaterThan(0);
    const afterGrace = await partitionStats(store, ref);
    expect(afterGrace).toEqual(compacted);
    const stored = await storedObjects(store, ref);
    expect({ segments: afterGrace.segments, bytes: afterGrace.bytes }).toEqual(stored);
  });
});
