import { describe, expect, it } from 'vitest';
import { isKlogError } from '../../../sdk/errors.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../../sdk/log/producer-state.js';
import { deleteTopic } from '../../../sdk/log/topics.js';
import { segmentKey } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { appendBatches } from '../../helpers/append-batches.js';
import { gate, recordsOf, topicWithOnePartition } from '../../helpers/log-fixtures.js';
import { type Ack, expectLogInvariants, makeValues } from '../../helpers/log-invariants.js';

describe('PartitionWriter on the memory store', () => {
  it('appends batches at contiguous offsets', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    const acks: Ack[] = [];
    await appendBatches(writer, 'w', 5, acks);
    expect(acks.map((ack) => ack.baseOffset)).toEqual(['0', '3', '6', '9', '12']);
    expect(writer.cachedTail).toBe(15n);
    await expectLogInvariants(store, ref, acks);
  });

  it('keeps the invariants with 8 concurrent writers and 2,000 batches', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const acks: Ack[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        appendBatches(new PartitionWriter(store, ref), `w${index}`, 250, acks, 2),
      ),
    );
    expect(acks).toHaveLength(2_000);
    const batches = await expectLogInvariants(store, ref, acks);
    expect(batches).toHaveLength(2_000);
  });

  it('keeps the invariants under random faults from 8 concurrent writers', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    store.faults.random({
      seed: 42,
      rate: 0.25,
      kinds: ['error-5xx', 'reset-before-send', 'land-then-timeout', 'drop-response', 'conflict-absent', 'land-later'],
      readErrorRate: 0.05,
    });
    const acks: Ack[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) =>
        appendBatches(
          new PartitionWriter(store, ref, { resolveAttempts: 12, resolveBackoffMs: 1 }),
          `w${index}`,
          100,
          acks,
        ),
      ),
    );
    await store.faults.pending();
    store.faults.random({ seed: 0, rate: 0, kinds: ['error-5xx'] });
    const failures = results.filter((result) => result.status === 'rejected');
    for (const failure of failures) {
      expect(isKlogError((failure as PromiseRejectedResult).reason, 'UNKNOWN_OUTCOME')).toBe(true);
    }
    expect(acks.length).toBeGreaterThan(700);
    await expectLogInvariants(store, ref, acks);
  });

  it.each([
    ['land-then-timeout'],
    ['drop-response'],
    ['error-5xx'],
    ['reset-before-send'],
    ['conflict-absent'],
  ] as const)('stores a batch exactly once after a %s on its PUT', async (fault) => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    const acks: Ack[] = [];
    await appendBatches(writer, 'a', 1, acks);
    store.faults.next('put', fault, (key) => key.endsWith('.seg'));
    await appendBatches(writer, 'b', 2, acks);
    expect(acks.map((ack) => ack.baseOffset)).toEqual(['0', '3', '6']);
    await expectLogInvariants(store, ref, acks);
  });

  it('stores a batch once when its PUT lands only after the resolving GET', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    const landing = gate();
    store.faults.next('put', { kind: 'land-later', release: landing.promise }, (key) => key.endsWith('.seg'));
    const acks: Ack[] = [];
    const appending = appendBatches(writer, 'late', 1, acks);
    // The writer's resolving GET sees the key absent and PUTs again; the first PUT lands afterwards and
    // must fail its condition instead of replacing or duplicating the batch.
    await appending;
    landing.open();
    await store.faults.pending();
    await appendBatches(writer, 'next', 1, acks);
    const batches = await expectLogInvariants(store, ref, acks);
    expect(batches).toHaveLength(2);
  });

  it('stores one (producer, sequence) once when it is sent through two writers', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const producerId = randomProducerId();
    const first = new PartitionWriter(store, ref);
    const second = new PartitionWriter(store, ref);
    const values0 = makeValues('p', 0, 2);
    const values1 = makeValues('p', 1, 2);
    // The first writer's PUT of sequence 0 is held until the second writer has stored sequences 0 and 2.
    const held = gate();
    store.faults.next('put', { kind: 'hold', release: held.promise }, (key) => key.endsWith('.seg'));
    const delayed = first.append({ records: recordsOf(values0), producerId, baseSequence: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const retried = await second.append({ records: recordsOf(values0), producerId, baseSequence: 0 });
    const next = await second.append({ records: recordsOf(values1), producerId, baseSequence: 2 });
    held.open();
    const late = await delayed;
    // The late attempt finds its batch already at offset 0 and answers with those offsets.
    expect(late).toMatchObject({ baseOffset: retried.baseOffset, lastOffset: retried.lastOffset });
    const batches = await expectLogInvariants(store, ref, [
      { producerId: producerId.toString(), baseSequence: 0, baseOffset: '0', lastOffset: '1', values: values0 },
      {
        producerId: producerId.toString(),
        baseSequence: 2,
        baseOffset: next.baseOffset.toString(),
        lastOffset: '3',
        values: values1,
      },
    ]);
    expect(batches).toHaveLength(2);
  });

  it('answers a retry of an already stored batch with its offsets, and refuses a sequence gap', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const producerId = randomProducerId();
    const writer = new PartitionWriter(store, ref);
    const first = await writer.append({ records: recordsOf(['a', 'b']), producerId, baseSequence: 0 });
    const retry = await new PartitionWriter(store, ref).append({
      records: recordsOf(['a', 'b']),
      producerId,
      baseSequence: 0,
    });
    expect(retry).toEqual({ ...first, duplicate: true });
    await expect(writer.append({ records: recordsOf(['c']), producerId, baseSequence: 5 })).rejects.toMatchObject({
      code: 'OUT_OF_ORDER_SEQUENCE',
      context: { topic: ref.topic, partition: 0 },
    });
  });

  it('never acknowledges into a deleted topic and removes its orphan segment', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    const acks: Ack[] = [];
    await appendBatches(writer, 'before', 1, acks);
    await deleteTopic(store, ref.topic);
    await expect(appendBatches(writer, 'after', 1, acks)).rejects.toMatchObject({ code: 'TOPIC_DELETED' });
    expect(acks).toHaveLength(1);
    expect(await store.get(segmentKey(ref, 3n))).toBeNull();
  });

  it('rejects a record over maxMessageBytes and keeps working', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref, { maxMessageBytes: 100 });
    const producerId = randomProducerId();
    writer.registerProducer(producerId);
    const error = await writer
      .append({ records: recordsOf(['ok', 'x'.repeat(200)]), producerId, baseSequence: 0 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'RECORD_TOO_LARGE', retriable: false, context: { recordIndex: 1 } });
    expect(String((error as Error).message)).toContain('maxMessageBytes');
    const ok = await writer.append({ records: recordsOf(['ok']), producerId, baseSequence: 0 });
    expect(ok.baseOffset).toBe(0n);
  });

  it('rejects an empty batch', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    await expect(
      new PartitionWriter(store, ref).append({ records: [], producerId: 1n, baseSequence: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
