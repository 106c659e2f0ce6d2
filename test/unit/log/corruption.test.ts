import { describe, expect, it } from 'vitest';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../../sdk/log/producer-state.js';
import { createTopic } from '../../../sdk/log/topics.js';
import { CLUSTER_MARKER_KEY, segmentKey } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { recordsOf, topicWithOnePartition } from '../../helpers/log-fixtures.js';

async function threeSegments() {
  const store = new MemoryObjectStore();
  const { ref } = await topicWithOnePartition(store);
  const writer = new PartitionWriter(store, ref);
  const producerId = randomProducerId();
  writer.registerProducer(producerId);
  for (let batch = 0; batch < 3; batch++) {
    await writer.append({ records: recordsOf([`a${batch}`, `b${batch}`]), producerId, baseSequence: batch * 2 });
  }
  return { store, ref, writer, producerId };
}

/** Replaces a stored object's bytes, as disk rot or a hand edit would. */
async function damage(store: MemoryObjectStore, key: string, change: (bytes: Buffer) => Buffer) {
  const object = await store.get(key);
  const outcome = await store.put(key, change(Buffer.from(object!.body)), { ifMatch: object!.etag });
  expect(outcome.kind).toBe('done');
}

describe('corrupt objects', () => {
  it.each([
    ['a truncated segment', (bytes: Buffer) => bytes.subarray(0, bytes.length - 5)],
    [
      'a bit-flipped segment',
      (bytes: Buffer) => {
        const copy = Buffer.from(bytes);
        copy[copy.length - 3]! ^= 0x10;
        return copy;
      },
    ],
  ])('%s gives a typed error naming its key, and the rest of the log stays readable', async (_, change) => {
    const { store, ref, writer, producerId } = await threeSegments();
    const key = segmentKey(ref, 2n);
    await damage(store, key, change);
    const reader = new PartitionReader(store, ref);
    const first = await reader.read(0n, { maxBytes: 1 });
    expect(first.records.map((record) => Buffer.from(record.value!).toString())).toEqual(['a0', 'b0']);
    const error = await reader.read(2n).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CORRUPT_OBJECT', retriable: false, context: { key } });
    expect((error as Error).message).toContain(key);
    const last = await new PartitionReader(store, ref).read(4n);
    expect(last.records.map((record) => Buffer.from(record.value!).toString())).toEqual(['a2', 'b2']);
    // Appending goes on after the damaged segment; nothing committed moved.
    const next = await writer.append({ records: recordsOf(['c']), producerId, baseSequence: 6 });
    expect(next.baseOffset).toBe(6n);
  });

  it('refuses a cluster written by a newer storage format', async () => {
    const store = new MemoryObjectStore();
    await createTopic(store, 'first');
    const marker = await store.get(CLUSTER_MARKER_KEY);
    const newer = JSON.stringify({ ...JSON.parse(Buffer.from(marker!.body).toString()), formatVersion: '2.0' });
    await store.put(CLUSTER_MARKER_KEY, Buffer.from(newer), { ifMatch: marker!.etag });
    await expect(createTopic(store, 'second')).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      message: expect.stringContaining('Upgrade klog'),
    });
  });
});
