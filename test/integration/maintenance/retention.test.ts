import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJsonObject } from '../../../sdk/format/json-object.js';
import { runMaintenance } from '../../../sdk/maintenance/run-maintenance.js';
import { partitionLeaseKey } from '../../../sdk/store/keys.js';
import type { S3ObjectStore } from '../../../sdk/store/s3-object-store.js';
import {
  appendSegments,
  HOUR,
  logStartOf,
  NOW,
  partitionWithConfig,
  segmentBases,
} from '../../helpers/maintenance-fixtures.js';
import { openTestS3Store } from '../../helpers/s3-test-store.js';

describe('retention on MinIO', () => {
  let store: S3ObjectStore;
  beforeEach(() => {
    store = openTestS3Store(`maintenance-${randomUUID()}`);
  });
  afterEach(() => store.close());

  it('moves the log start by time and by bytes and deletes only below it, never the newest segment', async () => {
    const byTime = await partitionWithConfig(store, { retentionMs: 5 * HOUR, retentionBytes: -1 });
    const bySize = await partitionWithConfig(store, { retentionMs: -1, retentionBytes: 1 });
    await appendSegments(store, byTime, [30 * HOUR, 10 * HOUR, 2 * HOUR, 1 * HOUR]);
    await appendSegments(store, bySize, [0, 0, 0]);

    const report = await runMaintenance(store, { topics: [byTime.topic, bySize.topic], now: NOW });

    expect(report.map((entry) => [entry.outcome, entry.logStartAfter, entry.deletedSegments, entry.reason])).toEqual([
      ['done', 4n, 2, 'time'],
      ['done', 4n, 2, 'bytes'],
    ]);
    expect(await segmentBases(store, byTime)).toEqual([4n, 6n]);
    expect(await segmentBases(store, bySize)).toEqual([4n]);
    expect(await logStartOf(store, bySize)).toBe(4n);
  });

  it('lets one of several concurrent runs work on a partition, and raises the lease epoch per taker', async () => {
    const ref = await partitionWithConfig(store, { retentionMs: 5 * HOUR, retentionBytes: -1 });
    await appendSegments(store, ref, [10 * HOUR, 9 * HOUR, 8 * HOUR, 1 * HOUR]);

    const reports = await Promise.all(
      Array.from({ length: 4 }, () => runMaintenance(store, { topics: [ref.topic], now: NOW })),
    );
    const outcomes = reports.map((report) => report[0]?.outcome);
    const deleted = reports.reduce((sum, report) => sum + (report[0]?.deletedSegments ?? 0), 0);

    expect(outcomes.filter((outcome) => outcome === 'done').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((outcome) => ['done', 'lease-busy', 'nothing-to-do'].includes(outcome ?? ''))).toBe(true);
    // A run that listed before another deleted may delete the same keys again (S3 DELETE of a missing key succeeds).
    expect(deleted).toBeGreaterThanOrEqual(3);
    expect(await segmentBases(store, ref)).toEqual([6n]);
    const lease = await store.get(partitionLeaseKey(ref));
    const stored = decodeJsonObject<{ epoch: number; expiresAt: number }>(
      'maintenance-lease',
      lease!.body,
      partitionLeaseKey(ref),
    );
    expect(stored.expiresAt).toBe(0);
    expect(stored.epoch).toBeGreaterThanOrEqual(1);
  });
});
