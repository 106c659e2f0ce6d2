import { describe, expect, it } from 'vitest';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { topicStats } from '../../../sdk/log/partition-stats.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import {
  alterTopicConfig,
  createPartitions,
  createTopic,
  deleteTopic,
  getTopic,
  listTopics,
  partitionRefs,
} from '../../../sdk/log/topics.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { recordsOf } from '../../helpers/log-fixtures.js';

describe('topics', () => {
  it('creates, lists, describes and deletes topics', async () => {
    const store = new MemoryObjectStore();
    const orders = await createTopic(store, 'orders', { partitions: 3, config: { retentionMs: 60_000 } });
    await createTopic(store, 'orders.v2');
    await createTopic(store, 'audit');
    expect(await listTopics(store)).toEqual(['audit', 'orders', 'orders.v2']);
    expect(orders.config).toMatchObject({ retentionMs: 60_000, retentionBytes: -1, maxMessageBytes: 1_048_576 });
    expect((await getTopic(store, 'orders.v2'))?.partitions).toBe(1);
    const stats = await topicStats(store, orders);
    expect(stats.map((partition) => partition.latestOffset)).toEqual([0n, 0n, 0n]);
    expect(await deleteTopic(store, 'orders')).toBe(true);
    expect(await deleteTopic(store, 'orders')).toBe(false);
    expect(await listTopics(store)).toEqual(['audit', 'orders.v2']);
    expect(await getTopic(store, 'orders')).toBeNull();
  });

  it('refuses to create a topic twice', async () => {
    const store = new MemoryObjectStore();
    await createTopic(store, 'twice');
    await expect(createTopic(store, 'twice')).rejects.toMatchObject({
      code: 'TOPIC_ALREADY_EXISTS',
      context: { topic: 'twice' },
    });
  });

  it('gives a topic created again a new id and none of the old records', async () => {
    const store = new MemoryObjectStore();
    const old = await createTopic(store, 'reborn');
    const [oldRef] = partitionRefs(old);
    await new PartitionWriter(store, oldRef!).append({ records: recordsOf(['old']), producerId: 5n, baseSequence: 0 });
    await deleteTopic(store, 'reborn');
    const fresh = await createTopic(store, 'reborn');
    expect(fresh.topicId).not.toBe(old.topicId);
    const [freshRef] = partitionRefs(fresh);
    const reader = new PartitionReader(store, freshRef!);
    expect(await reader.latestOffset()).toBe(0n);
    expect((await reader.read(0n)).records).toEqual([]);
  });

  it.each([
    ['../x', 'use only ASCII letters'],
    ['', 'must not be empty'],
    ['a'.repeat(250), 'the limit is 249'],
    ['grüße', 'use only ASCII letters'],
    ['..', 'must not be "." or ".."'],
    ['a/b', 'use only ASCII letters'],
  ])('rejects the topic name %j with a typed error', async (name, problem) => {
    const store = new MemoryObjectStore();
    const error = await createTopic(store, name).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INVALID_NAME', retriable: false });
    expect((error as Error).message).toContain(problem);
    expect(await store.list('')).toEqual([]);
  });

  it('accepts a 249-character name and rejects bad partition counts', async () => {
    const store = new MemoryObjectStore();
    await expect(createTopic(store, 'a'.repeat(249))).resolves.toMatchObject({ partitions: 1 });
    await expect(createTopic(store, 'zero', { partitions: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createTopic(store, 'neg', { config: { retentionMs: -5 } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('topic changes', () => {
  it('adds partitions that accept writes, and refuses to shrink', async () => {
    const store = new MemoryObjectStore();
    await createTopic(store, 'grow', { partitions: 2 });
    const grown = await createPartitions(store, 'grow', 4);
    expect(grown.partitions).toBe(4);
    expect((await getTopic(store, 'grow'))?.partitions).toBe(4);
    const ref = partitionRefs(grown)[3]!;
    await expect(
      new PartitionWriter(store, ref).append({ records: recordsOf(['x']), producerId: 3n, baseSequence: 0 }),
    ).resolves.toMatchObject({ baseOffset: 0n });
    await expect(createPartitions(store, 'grow', 3)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createPartitions(store, 'missing', 3)).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
  });

  it('changes retention and keeps the other settings', async () => {
    const store = new MemoryObjectStore();
    await createTopic(store, 'retained', { config: { maxMessageBytes: 2048 } });
    const changed = await alterTopicConfig(store, 'retained', { retentionMs: 1_000 });
    expect(changed.config).toEqual({ retentionMs: 1_000, retentionBytes: -1, maxMessageBytes: 2048 });
    expect((await getTopic(store, 'retained'))?.config.retentionMs).toBe(1_000);
    await expect(alterTopicConfig(store, 'retained', { retentionBytes: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
