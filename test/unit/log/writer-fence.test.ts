import { describe, expect, it } from 'vitest';
import { isKlogError, type KlogError } from '../../../sdk/errors.js';
import { decodeSegment } from '../../../sdk/format/segment.js';
import { updatePartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../../sdk/log/producer-state.js';
import { listSegments } from '../../../sdk/log/segment-list.js';
import { endOfLog } from '../../../sdk/log/tail.js';
import { findHighestEpoch } from '../../../sdk/log/writer-fence.js';
import type { PartitionRef } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { appendBatches } from '../../helpers/append-batches.js';
import { recordsOf, topicWithOnePartition } from '../../helpers/log-fixtures.js';
import { type Ack, expectLogInvariants } from '../../helpers/log-invariants.js';

/** Every batch of the partition as (writer epoch, producer id, control), in offset order. */
async function storedBatches(store: ObjectStore, ref: PartitionRef) {
  const batches: { offset: bigint; writerEpoch: number; producerId: bigint; control: boolean }[] = [];
  for (const segment of await listSegments(store, ref)) {
    const object = await store.get(segment.key);
    for (const batch of decodeSegment(object!.body, segment.key).batches) {
      batches.push({
        offset: batch.baseOffset,
        writerEpoch: batch.entry.writerEpoch,
        producerId: batch.entry.producerId,
        control: batch.control,
      });
    }
  }
  return batches;
}

async function appendOne(writer: PartitionWriter, producerId: bigint, sequence: number, value: string) {
  return writer.append({ records: recordsOf([value]), producerId, baseSequence: sequence });
}

async function rejection(promise: Promise<unknown>): Promise<KlogError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isKlogError(error)) throw new Error(`expected a KlogError, got ${String(error)}`);
  return error;
}

describe('PartitionWriter.takeOver', () => {
  it('writes a WRITER_EPOCH control segment at the tail and stamps later batches with its epoch', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const acks: Ack[] = [];
    await appendBatches(new PartitionWriter(store, ref), 'shared', 2, acks);
    const writer = new PartitionWriter(store, ref, { fencingId: 'orders-writer' });
    expect(await writer.takeOver()).toBe(1);
    expect(writer.epoch).toBe(1);
    const producerId = randomProducerId();
    writer.registerProducer(producerId);
    const stored = await appendOne(writer, producerId, 0, 'exclusive');
    expect(stored.baseOffset).toBe(7n);
    const batches = await storedBatches(store, ref);
    expect(batches.map((batch) => [batch.offset, batch.writerEpoch, batch.control])).toEqual([
      [0n, 0, false],
      [3n, 0, false],
      [6n, 1, true],
      [7n, 1, false],
    ]);
    await expectLogInvariants(store, ref, acks);
  });

  it('fences the previous writer: its next append fails with FENCED and writes nothing, nor do later ones', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const first = new PartitionWriter(store, ref, { fencingId: 'f' });
    const second = new PartitionWriter(store, ref, { fencingId: 'f' });
    const producerA = randomProducerId();
    const producerB = randomProducerId();
    first.registerProducer(producerA);
    second.registerProducer(producerB);
    expect(await first.takeOver()).toBe(1);
    await appendOne(first, producerA, 0, 'a0');
    expect(await second.takeOver()).toBe(2);
    await appendOne(second, producerB, 0, 'b0');
    const before = await endOfLog(store, ref, 0n);

    const fenced = await rejection(appendOne(first, producerA, 1, 'a1'));
    expect(fenced.code).toBe('FENCED');
    expect(fenced.retriable).toBe(false);
    expect(fenced.message).toContain('another writer with fencing id "f"');
    expect((await rejection(appendOne(first, producerA, 2, 'a2'))).code).toBe('FENCED');
    expect((await rejection(first.takeOver())).code).toBe('FENCED');
    expect(await endOfLog(store, ref, 0n)).toBe(before);

    await appendOne(second, producerB, 1, 'b1');
    const batches = await storedBatches(store, ref);
    expect(batches.filter((batch) => batch.producerId === producerA)).toHaveLength(1);
    expect(batches.filter((batch) => batch.producerId === producerB)).toHaveLength(2);
  });

  it('finds the highest epoch across shared batches after the last exclusive one', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const first = new PartitionWriter(store, ref, { fencingId: 'f' });
    await first.takeOver();
    await first.takeOver();
    expect(first.epoch).toBe(2);
    await appendBatches(new PartitionWriter(store, ref), 'shared', 3, []);
    expect((await findHighestEpoch(store, ref)).writerEpoch).toBe(2);
    expect(await new PartitionWriter(store, ref, { fencingId: 'f' }).takeOver()).toBe(3);
  });

  it('lets the last of several simultaneous takeovers win; the others are fenced', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writers = Array.from({ length: 4 }, () => new PartitionWriter(store, ref, { fencingId: 'f' }));
    const epochs = await Promise.all(writers.map((writer) => writer.takeOver()));
    expect(new Set(epochs).size).toBe(4);
    const winner = epochs.indexOf(Math.max(...epochs));
    const results = await Promise.allSettled(
      writers.map((writer) => {
        const producerId = randomProducerId();
        writer.registerProducer(producerId);
        return appendOne(writer, producerId, 0, 'x');
      }),
    );
    for (const [index, result] of results.entries()) {
      if (index === winner) expect(result.status).toBe('fulfilled');
      else expect(isKlogError((result as PromiseRejectedResult).reason, 'FENCED')).toBe(true);
    }
  });

  it('takes over exactly once under random store faults, and fencing still holds', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    store.faults.random({
      seed: 7,
      rate: 0.3,
      kinds: ['error-5xx', 'reset-before-send', 'land-then-timeout', 'drop-response', 'conflict-absent', 'land-later'],
      readErrorRate: 0.05,
    });
    const options = { fencingId: 'f', resolveAttempts: 12, resolveBackoffMs: 1 };
    const retried = async <T>(action: () => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          return await action();
        } catch (error) {
          if (!isKlogError(error) || !error.retriable) throw error;
        }
      }
    };
    const first = new PartitionWriter(store, ref, options);
    const producerA = randomProducerId();
    first.registerProducer(producerA);
    await retried(() => first.takeOver());
    for (let sequence = 0; sequence < 5; sequence++) await retried(() => appendOne(first, producerA, sequence, 'a'));
    const second = new PartitionWriter(store, ref, options);
    const producerB = randomProducerId();
    second.registerProducer(producerB);
    await retried(() => second.takeOver());
    for (let sequence = 0; sequence < 5; sequence++) await retried(() => appendOne(second, producerB, sequence, 'b'));
    expect(isKlogError(await rejection(retried(() => appendOne(first, producerA, 5, 'a'))), 'FENCED')).toBe(true);
    await store.faults.pending();
    store.faults.random({ seed: 0, rate: 0, kinds: ['error-5xx'] });

    const batches = await storedBatches(store, ref);
    const controls = batches.filter((batch) => batch.control);
    // A retried takeover may write a second control segment of the same writer, never one of another.
    expect(new Set(controls.map((batch) => batch.producerId)).size).toBe(2);
    const lastOfFirst = Math.max(...batches.flatMap((batch, index) => (batch.producerId === producerA ? [index] : [])));
    const firstControlOfSecond = batches.findIndex((batch) => batch.control && batch.writerEpoch === second.epoch);
    expect(lastOfFirst).toBeLessThan(firstControlOfSecond);
    expect(batches.filter((batch) => batch.producerId === producerA)).toHaveLength(5);
    expect(batches.filter((batch) => batch.producerId === producerB)).toHaveLength(5);
  });
});

describe('an exclusive writer whose tail is unknown', () => {
  /**
   * Writer A (epoch 1) caches its tail T and stalls. Shared writers append, writer B takes over in the middle, and
   * shared writers append again; retention then moves the log start past T and frees the key. A's PUT at T
   * succeeds below the log start, so A deletes its orphan and jumps to the tail: it must see B's fence in the
   * middle, not only the last segment (which a shared writer wrote with epoch 0).
   */
  it('reads every batch it jumps over and fails with FENCED on a takeover in the middle', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const stalled = new PartitionWriter(store, ref, { fencingId: 'f' });
    const producerA = randomProducerId();
    stalled.registerProducer(producerA);
    await stalled.takeOver();
    await appendOne(stalled, producerA, 0, 'a0');
    const stalledTail = stalled.cachedTail!;

    await appendBatches(new PartitionWriter(store, ref), 'shared-before', 2, []);
    await new PartitionWriter(store, ref, { fencingId: 'f' }).takeOver();
    await appendBatches(new PartitionWriter(store, ref), 'shared-after', 2, []);
    const logStart = stalledTail + 3n;
    await updatePartitionMeta(store, ref, (meta) => ({ ...meta, logStartOffset: logStart }));
    for (const segment of await listSegments(store, ref)) {
      if (segment.baseOffset < logStart) await store.delete(segment.key);
    }
    const end = await endOfLog(store, ref, logStart);

    const fenced = await rejection(appendOne(stalled, producerA, 1, 'a1'));
    expect(fenced.code).toBe('FENCED');
    expect(await endOfLog(store, ref, logStart)).toBe(end);
    const batches = await storedBatches(store, ref);
    expect(batches.filter((batch) => batch.producerId === producerA)).toHaveLength(0);
  });

  it('appends after a jump that met no fence', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref, { fencingId: 'f' });
    const producerA = randomProducerId();
    writer.registerProducer(producerA);
    await writer.takeOver();
    await appendOne(writer, producerA, 0, 'a0');
    const tail = writer.cachedTail!;
    await appendBatches(new PartitionWriter(store, ref), 'shared', 2, []);
    await updatePartitionMeta(store, ref, (meta) => ({ ...meta, logStartOffset: tail + 3n }));
    await store.delete((await listSegments(store, ref)).find((segment) => segment.baseOffset === tail)!.key);

    const stored = await appendOne(writer, producerA, 1, 'a1');
    expect(stored.baseOffset).toBe(tail + 6n);
    expect(writer.epoch).toBe(1);
  });
});
