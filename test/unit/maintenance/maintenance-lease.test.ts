import { describe, expect, it } from 'vitest';
import { maintenanceDefaults } from '../../../sdk/config.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { runMaintenance } from '../../../sdk/maintenance/run-maintenance.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { gate } from '../../helpers/log-fixtures.js';
import { appendSegments, HOUR, logStartOf, NOW, partitionWithConfig, segmentBases } from './maintenance-fixture.js';

/** Holds the next write of `operation` on a key ending in `suffix`; `reached` resolves when it is held. */
function holdNext(store: MemoryObjectStore, operation: 'put' | 'delete', suffix: string) {
  const reached = gate();
  const release = gate();
  store.faults.next(operation, { kind: 'hold', release: release.promise }, (key) => {
    if (!key.endsWith(suffix)) return false;
    reached.open();
    return true;
  });
  return { reached: reached.promise, release: release.open };
}

const afterLease = NOW + maintenanceDefaults.leaseMs + 1;

describe('maintenance lease', () => {
  it('lets one of two runs at once work on a partition; the other leaves it', async () => {
    const store = new MemoryObjectStore();
    const ref = await partitionWithConfig(store, { retentionMs: 5 * HOUR, retentionBytes: -1 });
    await appendSegments(store, ref, [10 * HOUR, 9 * HOUR, 1 * HOUR]);
    const held = holdNext(store, 'put', 'meta.json');

    const first = runMaintenance(store, { topics: [ref.topic], now: NOW });
    await held.reached;
    const second = await runMaintenance(store, { topics: [ref.topic], now: NOW });
    held.release();

    expect(second[0]?.outcome).toBe('lease-busy');
    expect(second[0]?.deletedSegments).toBe(0);
    expect((await first)[0]).toMatchObject({ outcome: 'done', logStartAfter: 4n, deletedSegments: 2 });
    expect(await segmentBases(store, ref)).toEqual([4n]);
  });

  it('a run stalled before moving the log start, resuming after its lease moved, changes and deletes nothing', async () => {
    const store = new MemoryObjectStore();
    const ref = await partitionWithConfig(store, { retentionMs: 5 * HOUR, retentionBytes: -1 });
    await appendSegments(store, ref, [10 * HOUR, 4 * HOUR, 3 * HOUR]);
    const held = holdNext(store, 'put', 'meta.json');

    // The stalled run plans to move the log start to 2; the newer run, an hour later, moves it to 4.
    const stalled = runMaintenance(store, { topics: [ref.topic], now: NOW, holder: 'stalled' });
    await held.reached;
    const newer = await runMaintenance(store, { topics: [ref.topic], now: afterLease + HOUR, holder: 'newer' });
    expect(newer[0]).toMatchObject({ outcome: 'done', logStartAfter: 4n });
    await appendSegments(store, ref, [0]);
    held.release();
    const resumed = (await stalled)[0];

    expect(resumed?.outcome).toBe('lease-lost');
    expect(resumed?.deletedSegments).toBe(0);
    expect(resumed?.logStartAfter).toBe(4n);
    expect(await logStartOf(store, ref)).toBe(4n);
    expect(await segmentBases(store, ref)).toEqual([4n, 6n]);
  });

  it('a run stalled while deleting deletes nothing at or above the newer log start when it resumes', async () => {
    const store = new MemoryObjectStore();
    const ref = await partitionWithConfig(store, { retentionMs: 5 * HOUR, retentionBytes: -1 });
    await appendSegments(store, ref, [10 * HOUR, 4 * HOUR, 3 * HOUR, 1 * HOUR]);
    const held = holdNext(store, 'delete', '.seg');

    const stalled = runMaintenance(store, { topics: [ref.topic], now: NOW, holder: 'stalled' });
    await held.reached;
    expect(await logStartOf(store, ref)).toBe(2n);
    const newer = await runMaintenance(store, { topics: [ref.topic], now: afterLease + 2 * HOUR, holder: 'newer' });
    expect(newer[0]).toMatchObject({ outcome: 'done', logStartAfter: 6n });
    held.release();
    await stalled;

    expect(await logStartOf(store, ref)).toBe(6n);
    expect(await segmentBases(store, ref)).toEqual([6n]);
    const read = await new PartitionReader(store, ref).read(6n);
    expect(read.records.map((record) => Buffer.from(record.value ?? []).toString())).toEqual(['s3:0', 's3:1']);
  });
});
