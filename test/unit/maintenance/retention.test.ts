import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updatePartitionMeta } from '../../../sdk/log/partition-meta.js';
import { runMaintenance } from '../../../sdk/maintenance/run-maintenance.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import {
  appendSegments,
  HOUR,
  logStartOf,
  NOW,
  partitionWithConfig,
  segmentBases,
  storeCases,
} from './maintenance-fixture.js';

for (const storeCase of storeCases) {
  describe(`retention on the ${storeCase.name} store`, () => {
    let store: ObjectStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await storeCase.open());
    });
    afterEach(() => cleanup());

    it('by time moves the log start past expired segments and deletes only below it', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: 5 * HOUR, retentionBytes: -1 });
      await appendSegments(store, ref, [30 * HOUR, 20 * HOUR, 10 * HOUR, 2 * HOUR, 1 * HOUR]);

      const [result] = await runMaintenance(store, { topics: [ref.topic], now: NOW });

      expect(result).toMatchObject({ outcome: 'done', logStartBefore: 0n, logStartAfter: 6n, reason: 'time' });
      expect(result?.deletedSegments).toBe(3);
      expect(await logStartOf(store, ref)).toBe(6n);
      expect(await segmentBases(store, ref)).toEqual([6n, 8n]);
    });

    it('by bytes removes the oldest segments while at least retentionBytes remain', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: -1, retentionBytes: 1 });
      await appendSegments(store, ref, [0, 0, 0, 0]);
      expect(await segmentBases(store, ref)).toEqual([0n, 2n, 4n, 6n]);

      const [result] = await runMaintenance(store, { topics: [ref.topic], now: NOW });

      // Every segment is bigger than 1 byte, so all but the newest go.
      expect(result).toMatchObject({ outcome: 'done', logStartAfter: 6n, reason: 'bytes', deletedSegments: 3 });
      expect(await segmentBases(store, ref)).toEqual([6n]);
    });

    it('never deletes the newest segment, even when every record expired', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: HOUR, retentionBytes: 1 });
      await appendSegments(store, ref, [50 * HOUR, 40 * HOUR]);

      await runMaintenance(store, { topics: [ref.topic], now: NOW });
      const again = await runMaintenance(store, { topics: [ref.topic], now: NOW });

      expect(await segmentBases(store, ref)).toEqual([2n]);
      expect(await logStartOf(store, ref)).toBe(2n);
      expect(again[0]?.outcome).toBe('nothing-to-do');
    });

    it('takes no lease and writes nothing when nothing is due', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: 100 * HOUR, retentionBytes: -1 });
      await appendSegments(store, ref, [3 * HOUR, 2 * HOUR]);

      const [result] = await runMaintenance(store, { topics: [ref.topic], now: NOW });

      expect(result?.outcome).toBe('nothing-to-do');
      expect(await store.get(`topics/${ref.topic}/${ref.topicId}/0/lease.json`)).toBeNull();
      expect(await segmentBases(store, ref)).toEqual([0n, 2n]);
    });

    it('deletes segments left below the log start by an earlier run that stopped before deleting', async () => {
      const ref = await partitionWithConfig(store, { retentionMs: 5 * HOUR, retentionBytes: -1 });
      await appendSegments(store, ref, [10 * HOUR, 9 * HOUR, 1 * HOUR]);
      await updatePartitionMeta(store, ref, (meta) => ({ ...meta, logStartOffset: 4n }));

      const [result] = await runMaintenance(store, { topics: [ref.topic], now: NOW });

      expect(result).toMatchObject({ outcome: 'done', logStartAfter: 4n, deletedSegments: 2, reason: null });
      expect(await segmentBases(store, ref)).toEqual([4n]);
    });
  });
}
