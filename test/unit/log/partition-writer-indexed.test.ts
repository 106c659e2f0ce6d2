import { describe, expect, it } from 'vitest';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { indexingDefaults, indexPartition } from '../../../sdk/maintenance/partition-indexing.js';
import { segmentKey } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { gate, recordsOf, topicWithOnePartition } from '../../helpers/log-fixtures.js';

const NOW = 1_800_000_000_000;
const settings = (now: number, compaction = true) => ({
  ...indexingDefaults,
  compaction,
  indexMinSegments: 4,
  compactionTargetBytes: 10_000,
  graceMs: 1_000,
  holder: `run-${Math.random()}`,
  now: () => now,
  leaseMs: 60_000,
});

/** A writer whose cached tail is 3 (it wrote offsets 0..2), and a partition filled after it by another writer. */
async function staleWriterScenario(firstAtThree: { producerId: bigint; values: string[] }) {
  const store = new MemoryObjectStore();
  const { ref } = await topicWithOnePartition(store);
  const stale = new PartitionWriter(store, ref);
  stale.registerProducer(1n);
  await stale.append({ records: recordsOf(['a', 'b', 'c']), producerId: 1n, baseSequence: 0 });
  const other = new PartitionWriter(store, ref);
  other.registerProducer(firstAtThree.producerId);
  await other.append({ records: recordsOf(firstAtThree.values), producerId: firstAtThree.producerId, baseSequence: 0 });
  for (let segment = 1; segment < 8; segment++) {
    await other.append({
      records: recordsOf(['x', 'y', 'z']),
      producerId: firstAtThree.producerId,
      baseSequence: segment * 3,
    });
  }
  await indexPartition(store, ref, settings(NOW));
  const late = await indexPartition(store, ref, settings(NOW + 1_000));
  expect(late.deletedOriginals).toBeGreaterThan(0);
  expect(await store.head(segmentKey(ref, 3n))).toBeNull();
  return { store, ref, stale };
}

describe('the check before acknowledging, below the indexed end', () => {
  it('acknowledges a segment that was indexed between its PUT and the meta check', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    writer.registerProducer(1n);
    await writer.append({ records: recordsOf(['a']), producerId: 1n, baseSequence: 0 });
    const held = gate();
    store.faults.next('get', { kind: 'hold', release: held.promise }, (key) => key.endsWith('meta.json'));
    const pending = writer.append({ records: recordsOf(['b']), producerId: 1n, baseSequence: 1 });
    while ((await store.head(segmentKey(ref, 1n))) === null) await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const other = new PartitionWriter(store, ref);
    other.registerProducer(2n);
    for (let seq = 0; seq < 5; seq++)
      await other.append({ records: recordsOf(['o']), producerId: 2n, baseSequence: seq });
    const indexed = await indexPartition(store, ref, settings(NOW, false));
    expect(indexed.indexedEndOffset).toBeGreaterThan(1n);
    held.open();
    expect(await pending).toEqual({ baseOffset: 1n, lastOffset: 1n, duplicate: false });
  });

  it('acknowledges its own batch found in a data/ segment after the original was deleted (a stalled retry)', async () => {
    const { store, ref, stale } = await staleWriterScenario({ producerId: 9n, values: ['p', 'q', 'r'] });
    stale.registerProducer(9n);
    const result = await stale.append({ records: recordsOf(['p', 'q', 'r']), producerId: 9n, baseSequence: 0 });
    expect(result).toEqual({ baseOffset: 3n, lastOffset: 5n, duplicate: false });
    const { records } = await new PartitionReader(store, ref).read(3n, { maxBytes: 1 });
    expect(records.map((record) => Buffer.from(record.value!).toString())).toEqual(['p', 'q', 'r']);
  });

  it('treats a key freed by compaction that now holds another batch as an orphan: not acknowledged, deleted', async () => {
    const { store, ref, stale } = await staleWriterScenario({ producerId: 9n, values: ['p', 'q', 'r'] });
    const result = await stale.append({ records: recordsOf(['late']), producerId: 1n, baseSequence: 3 });
    expect(result.baseOffset).toBe(27n);
    expect(await store.head(segmentKey(ref, 3n))).toBeNull();
    const { records } = await new PartitionReader(store, ref).read(3n, { maxBytes: 1 });
    expect(records.map((record) => Buffer.from(record.value!).toString())).toEqual(['p', 'q', 'r']);
  });
});
