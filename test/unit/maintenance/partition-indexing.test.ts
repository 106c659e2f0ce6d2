import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { scanProducer } from '../../../sdk/log/producer-scan.js';
import { listSegments } from '../../../sdk/log/segment-list.js';
import { discoverTail } from '../../../sdk/log/tail.js';
import { indexPartition } from '../../../sdk/maintenance/partition-indexing.js';
import { runMaintenance } from '../../../sdk/maintenance/run-maintenance.js';
import { CountingObjectStore } from '../../../sdk/store/counting-object-store.js';
import { dataSegmentsPrefix, indexesPrefix, type PartitionRef } from '../../../sdk/store/keys.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { recordsOf } from '../../helpers/log-fixtures.js';
import { smallIndexing } from '../../helpers/maintenance-fixtures.js';
import { NOW, partitionWithConfig, storeCases } from './maintenance-fixture.js';

/** Appends `segments` segments of 3 records each; returns the producer and every value in offset order. */
async function fill(store: ObjectStore, ref: PartitionRef, segments: number, producerId = 77n) {
  const writer = new PartitionWriter(store, ref);
  writer.registerProducer(producerId);
  const values: string[] = [];
  for (let segment = 0; segment < segments; segment++) {
    const batch = [0, 1, 2].map((record) => `v${segment * 3 + record}`);
    await writer.append({ records: recordsOf(batch, NOW - 1000 + segment), producerId, baseSequence: segment * 3 });
    values.push(...batch);
  }
  return { writer, values };
}

async function readAll(reader: PartitionReader, from: bigint, maxBytes = 1_000) {
  const values: string[] = [];
  let offset = from;
  for (;;) {
    const { records, nextOffset } = await reader.read(offset, { maxBytes });
    if (records.length === 0 && nextOffset === offset) return values;
    for (const record of records) values.push(Buffer.from(record.value ?? []).toString());
    offset = nextOffset;
  }
}

for (const storeCase of storeCases) {
  describe(`index objects and compaction (${storeCase.name})`, () => {
    let store: ObjectStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await storeCase.open());
    });
    afterEach(() => cleanup());

    it('indexes sealed ranges, compacts small segments and moves meta forward, never the newest segment', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: -1 });
      await fill(store, ref, 25);
      const result = await indexPartition(store, ref, smallIndexing(NOW));
      const meta = (await readPartitionMeta(store, ref))!.meta;
      expect(result.outcome).toBe('done');
      expect(result.indexesWritten).toBe(3);
      expect(meta.indexedEndOffset).toBe(72n);
      expect(meta.newestIndex).toMatch(/index\/00000000000000000060\.idx$/);
      expect((await store.list(dataSegmentsPrefix(ref))).length).toBeGreaterThan(0);
      // Only the newest segment remains unindexed.
      expect((await indexPartition(store, ref, smallIndexing(NOW))).outcome).toBe('nothing-to-do');
    });

    it('reads every offset exactly once across log/, data/ and index boundaries, before and after the grace period', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: -1 });
      const { values } = await fill(store, ref, 25);
      await indexPartition(store, ref, smallIndexing(NOW));
      for (let from = 0; from < values.length; from++) {
        expect(await readAll(new PartitionReader(store, ref), BigInt(from))).toEqual(values.slice(from));
      }
      const later = await indexPartition(store, ref, smallIndexing(NOW + 60_000));
      expect(later.deletedOriginals).toBeGreaterThan(0);
      const remaining = (await listSegments(store, ref)).map((segment) => segment.baseOffset);
      expect(remaining.every((base) => base >= 60n || base % 3n === 0n)).toBe(true);
      for (const from of [0, 1, 29, 30, 31, 59, 60, 74]) {
        expect(await readAll(new PartitionReader(store, ref), BigInt(from), 300)).toEqual(values.slice(from));
      }
    });

    it('lets a reader that found a segment deleted before its GET locate the offset again', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: -1 });
      const { values } = await fill(store, ref, 25);
      const reader = new PartitionReader(store, ref);
      // The reader reads the first log/ segments, then compaction replaces them and the originals go.
      const first = await reader.read(0n, { maxBytes: 1 });
      expect(first.records.length).toBe(3);
      await indexPartition(store, ref, smallIndexing(NOW));
      await indexPartition(store, ref, smallIndexing(NOW + 60_000));
      const rest = await readAll(reader, first.nextOffset, 500);
      expect(rest).toEqual(values.slice(3));
    });

    it('discovers the tail with one LIST after indexing and finds producers through the index', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: -1 });
      await fill(store, ref, 25, 5n);
      await indexPartition(store, ref, smallIndexing(NOW));
      await indexPartition(store, ref, smallIndexing(NOW + 60_000));
      const counting = new CountingObjectStore(store);
      expect(await discoverTail(counting, ref)).toBe(75n);
      expect(counting.counts().list).toBe(1);
      counting.reset();
      const other = new PartitionWriter(counting, ref);
      // A batch of producer 5 stored at offsets 27..29 is recognised as a duplicate through the index table.
      const state = await scanProducer(counting, ref, 5n);
      expect(state.lastSequence).toBe(74);
      expect(state.recent.length).toBe(8);
      expect(counting.counts().get).toBeLessThan(10);
      const retry = await other.append({ records: recordsOf(['a', 'b', 'c']), producerId: 5n, baseSequence: 57 });
      expect(retry).toEqual({ baseOffset: 57n, lastOffset: 59n, duplicate: true });
    });

    it('a stalled run whose lease expired writes nothing harmful: its index exists, meta never moves back', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: -1 });
      await fill(store, ref, 25);
      await indexPartition(store, ref, smallIndexing(NOW));
      const before = (await readPartitionMeta(store, ref))!.meta;
      // A second run that planned from the same state (as a stalled one would) finds the indexes taken.
      const late = await indexPartition(store, ref, { ...smallIndexing(NOW + 120_000), indexMinSegments: 1 });
      const after = (await readPartitionMeta(store, ref))!.meta;
      expect(after.indexedEndOffset).toBeGreaterThanOrEqual(before.indexedEndOffset);
      expect(late.outcome).toBe('done');
      const indexes = await store.list(indexesPrefix(ref));
      expect(indexes.length).toBe(3);
      const values = await readAll(new PartitionReader(store, ref), 0n, 10_000);
      expect(values.length).toBe(75);
    });

    it('runs from runMaintenance, and retention after compaction deletes data/ and index objects below the log start', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: -1, retentionBytes: 1 });
      await fill(store, ref, 25);
      const first = await runMaintenance(store, {
        topics: [ref.topic],
        now: NOW,
        indexMinSegments: 4,
        compactionTargetBytes: 2_000,
      });
      expect(first[0]?.logStartAfter).toBe(72n);
      const meta = (await readPartitionMeta(store, ref))!.meta;
      expect(meta.logStartOffset).toBe(72n);
      expect((await store.list(dataSegmentsPrefix(ref))).length).toBe(0);
      expect(await readAll(new PartitionReader(store, ref), 72n)).toEqual(['v72', 'v73', 'v74']);
    });
  });
}
