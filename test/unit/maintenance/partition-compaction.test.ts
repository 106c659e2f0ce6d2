import { describe, expect, it } from 'vitest';
import { readPartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { listSegments } from '../../../sdk/log/segment-list.js';
import { readWholeSegment, writeDataSegment } from '../../../sdk/maintenance/partition-compaction.js';
import { indexPartition } from '../../../sdk/maintenance/partition-indexing.js';
import { dataSegmentsPrefix, type PartitionRef } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { recordsOf } from '../../helpers/log-fixtures.js';
import { NOW, partitionWithConfig, smallIndexing } from '../../helpers/maintenance-fixtures.js';

async function fill(store: ObjectStore, segments: number): Promise<{ ref: PartitionRef; values: string[] }> {
  const ref = await partitionWithConfig(store, { retentionMs: -1 });
  const writer = new PartitionWriter(store, ref);
  writer.registerProducer(3n);
  const values: string[] = [];
  for (let segment = 0; segment < segments; segment++) {
    const batch = [0, 1, 2].map((record) => `v${segment * 3 + record}`);
    await writer.append({ records: recordsOf(batch, NOW - 1000 + segment), producerId: 3n, baseSequence: segment * 3 });
    values.push(...batch);
  }
  return { ref, values };
}

/** What a run that lost the race leaves: a `data/` segment merging `log/` originals the winner grouped otherwise. */
async function losingRunDataSegment(store: ObjectStore, ref: PartitionRef, from: bigint, to: bigint): Promise<string> {
  const listed = await listSegments(store, ref);
  const originals = [];
  for (const [position, segment] of listed.entries()) {
    const endOffset = listed[position + 1]?.baseOffset ?? to;
    if (segment.baseOffset < from || segment.baseOffset >= to || endOffset > to) continue;
    const whole = await readWholeSegment(store, { ...segment, endOffset });
    if (whole !== null) originals.push(whole);
  }
  return (await writeDataSegment(store, ref, originals)).entry.key;
}

async function dataKeys(store: ObjectStore, ref: PartitionRef): Promise<string[]> {
  return (await store.list(dataSegmentsPrefix(ref))).map((object) => object.key);
}

async function readAll(store: ObjectStore, ref: PartitionRef): Promise<string[]> {
  const reader = new PartitionReader(store, ref);
  const values: string[] = [];
  let offset = 0n;
  for (;;) {
    const { records, nextOffset } = await reader.read(offset, { maxBytes: 500 });
    if (records.length === 0 && nextOffset === offset) return values;
    for (const record of records) values.push(Buffer.from(record.value ?? []).toString());
    offset = nextOffset;
  }
}

describe('data/ segments no index of the chain references', () => {
  it('are deleted once the chain indexed their range a grace period ago; referenced and unindexed ones stay', async () => {
    const store = new MemoryObjectStore();
    const { ref, values } = await fill(store, 25);
    await indexPartition(store, ref, smallIndexing(NOW));
    const chainData = await dataKeys(store, ref);
    const meta = (await readPartitionMeta(store, ref))!.meta;
    expect(meta.indexedEndOffset).toBe(72n);
    // The loser merged [3, 15) while the winner's index lists other ranges; a run in flight merged [72, 75) (past
    // the indexed end: nothing indexed it yet, so it may still be referenced).
    const lost = await losingRunDataSegment(store, ref, 3n, 15n);
    const pending = await losingRunDataSegment(store, ref, 72n, 75n);
    expect(chainData).not.toContain(lost);

    const early = await indexPartition(store, ref, smallIndexing(NOW + 59_000));
    expect(early.deletedUnreferenced).toBe(0);
    expect(await dataKeys(store, ref)).toContain(lost);

    const late = await indexPartition(store, ref, smallIndexing(NOW + 60_000));
    expect(late.outcome).toBe('done');
    expect(late.deletedUnreferenced).toBe(1);
    const left = await dataKeys(store, ref);
    expect(left).not.toContain(lost);
    expect(left).toContain(pending);
    expect(left.filter((key) => key !== pending).sort()).toEqual([...chainData].sort());
    expect(await readAll(store, ref)).toEqual(values);
  });

  it('finds nothing to do on a partition whose data/ segments are all referenced', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await fill(store, 25);
    await indexPartition(store, ref, smallIndexing(NOW));
    await indexPartition(store, ref, smallIndexing(NOW + 60_000));
    const again = await indexPartition(store, ref, smallIndexing(NOW + 120_000));
    expect(again.outcome).toBe('nothing-to-do');
    expect(again.deletedUnreferenced).toBe(0);
  });
});
