import { describe, expect, it } from 'vitest';
import { readPartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { endOfLog } from '../../../sdk/log/tail.js';
import { runMaintenance } from '../../../sdk/maintenance/run-maintenance.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { appendBatches } from '../../helpers/append-batches.js';
import { type Ack, expectLogInvariants } from '../../helpers/log-invariants.js';
import { partitionWithConfig } from './maintenance-fixture.js';

describe('retention while writers append', () => {
  it('keeps invariants 1-4 with 4 writers, 2 maintainers and random faults', async () => {
    const store = new MemoryObjectStore({ latencyMs: () => Math.random() * 2 });
    const ref = await partitionWithConfig(store, { retentionMs: -1, retentionBytes: 20_000 });
    store.faults.random({
      seed: 7,
      rate: 0.1,
      kinds: ['error-5xx', 'reset-before-send', 'land-then-timeout', 'conflict-absent', 'hold'],
      operations: ['put', 'delete'],
    });
    const acks: Ack[] = [];
    const starts: bigint[] = [];
    const ends: bigint[] = [];
    let writing = true;
    const maintainer = async () => {
      while (writing) {
        await runMaintenance(store, { topics: [ref.topic] });
        const meta = await readPartitionMeta(store, ref);
        const logStart = meta?.meta.logStartOffset ?? 0n;
        starts.push(logStart);
        ends.push(await endOfLog(store, ref, logStart));
      }
    };
    const writers = Array.from({ length: 4 }, (_, index) =>
      appendBatches(new PartitionWriter(store, ref), `w${index}`, 60, acks, 2, 200),
    );
    const maintainers = [maintainer(), maintainer()];
    const settled = await Promise.allSettled(writers);
    writing = false;
    await Promise.all(maintainers);
    store.faults.clear();
    await store.faults.pending();

    const failures = settled.filter((outcome) => outcome.status === 'rejected');
    expect(failures.map((failure) => String((failure as PromiseRejectedResult).reason))).toEqual([]);
    const logStart = (await readPartitionMeta(store, ref))?.meta.logStartOffset ?? 0n;
    expect(logStart).toBeGreaterThan(0n);
    // Invariant 4: the log start and the log end never moved backwards.
    expect(starts).toEqual([...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(ends).toEqual([...ends].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Nothing was acknowledged at a key retention had freed: no two acknowledgements share an offset.
    const sorted = [...acks].sort((a, b) => (BigInt(a.baseOffset) < BigInt(b.baseOffset) ? -1 : 1));
    for (let index = 1; index < sorted.length; index++) {
      expect(BigInt(sorted[index]!.baseOffset)).toBeGreaterThan(BigInt(sorted[index - 1]!.lastOffset));
    }
    // Invariants 1-3 over what retention kept.
    const kept = acks.filter((ack) => BigInt(ack.baseOffset) >= logStart);
    expect(kept.length).toBeGreaterThan(0);
    await expectLogInvariants(store, ref, kept);
  });
});
