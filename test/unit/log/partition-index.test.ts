import { describe, expect, it } from 'vitest';
import { encodePartitionIndex } from '../../../sdk/format/partition-index.js';
import { encodeBatch, encodeSegment } from '../../../sdk/format/segment.js';
import { findIndexCovering, liveSegments } from '../../../sdk/log/partition-index.js';
import { readPartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { indexingDefaults, indexPartition } from '../../../sdk/maintenance/partition-indexing.js';
import { dataSegmentKey, indexKey, type PartitionRef } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { recordsOf } from '../../helpers/log-fixtures.js';
import { NOW, partitionWithConfig } from '../../helpers/maintenance-fixtures.js';

const settings = (now: number) => ({
  ...indexingDefaults,
  indexMinSegments: 4,
  indexMaxSegments: 10,
  compactionTargetBytes: 2_000,
  graceMs: 60_000,
  holder: `run-${Math.random()}`,
  now: () => now,
  leaseMs: 60_000,
});

/** 25 segments of 3 records; indexed into the chain [0,30) [30,60) [60,72). */
async function indexedPartition(store: ObjectStore): Promise<{ ref: PartitionRef; values: string[] }> {
  const ref = await partitionWithConfig(store, { retentionMs: -1 });
  const writer = new PartitionWriter(store, ref);
  writer.registerProducer(9n);
  const values: string[] = [];
  for (let segment = 0; segment < 25; segment++) {
    const batch = [0, 1, 2].map((record) => `v${segment * 3 + record}`);
    await writer.append({ records: recordsOf(batch, NOW - 1000 + segment), producerId: 9n, baseSequence: segment * 3 });
    values.push(...batch);
  }
  await indexPartition(store, ref, settings(NOW));
  return { ref, values };
}

/**
 * An index object outside the chain, as a run that stalled while another indexed the range would leave it: it
 * covers [45, 72) with one `data/` segment whose records are not the log's.
 */
async function plantStrayIndex(store: ObjectStore, ref: PartitionRef): Promise<void> {
  const bogus = Array.from({ length: 27 }, (_, index) => `bogus${index}`);
  const body = encodeSegment(45n, [
    encodeBatch(recordsOf(bogus, NOW), { producerId: 0n, baseSequence: -1, writerEpoch: 0 }),
  ]);
  const key = dataSegmentKey(ref, 45n, 72n);
  await store.put(key, body, { ifNoneMatch: '*' });
  const stray = encodePartitionIndex({
    baseOffset: 45n,
    endOffset: 72n,
    previous: null,
    createdAt: NOW,
    segments: [{ baseOffset: 45n, endOffset: 72n, key, size: body.length, maxTimestamp: NOW + 26 }],
    producers: [],
    fence: { writerEpoch: 0, writerId: null },
  });
  expect((await store.put(indexKey(ref, 45n), stray, { ifNoneMatch: '*' })).kind).toBe('done');
}

async function readAll(reader: PartitionReader, from: bigint): Promise<string[]> {
  const values: string[] = [];
  let offset = from;
  for (;;) {
    const { records, nextOffset } = await reader.read(offset, { maxBytes: 400 });
    if (records.length === 0 && nextOffset === offset) return values;
    for (const record of records) values.push(Buffer.from(record.value ?? []).toString());
    offset = nextOffset;
  }
}

describe('index chain lookups', () => {
  it('finds the index covering an offset through the chain in meta.json, not a stray index object', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await indexedPartition(store);
    await plantStrayIndex(store, ref);
    const meta = (await readPartitionMeta(store, ref))!.meta;
    expect(meta.newestIndex).toBe(indexKey(ref, 60n));
    expect((await findIndexCovering(store, meta, 50n))?.baseOffset).toBe(30n);
    expect((await findIndexCovering(store, meta, 65n))?.baseOffset).toBe(60n);
    expect(await findIndexCovering(store, meta, 72n)).toBeNull();
    const keys = (await liveSegments(store, ref, meta, 40n)).map((segment) => segment.key);
    expect(keys.some((key) => key.includes('00000000000000000045-'))).toBe(false);
  });

  it('lets a reader seeking into a stray index range read the log records, before and after the grace period', async () => {
    const store = new MemoryObjectStore();
    const { ref, values } = await indexedPartition(store);
    await plantStrayIndex(store, ref);
    for (const from of [0, 44, 45, 50, 59, 60, 71]) {
      expect(await readAll(new PartitionReader(store, ref), BigInt(from))).toEqual(values.slice(from));
    }
    const later = await indexPartition(store, ref, settings(NOW + 60_000));
    expect(later.deletedOriginals).toBeGreaterThan(0);
    for (const from of [45, 50, 61]) {
      expect(await readAll(new PartitionReader(store, ref), BigInt(from))).toEqual(values.slice(from));
    }
    const reader = new PartitionReader(store, ref);
    // Segment 14 holds offsets 42..44 stamped NOW - 986 .. NOW - 984; the stray's records (NOW and later) are not the log's.
    expect(await reader.offsetForTimestamp(NOW - 984)).toBe(44n);
    expect(await reader.offsetForTimestamp(NOW)).toBeNull();
  });
});
