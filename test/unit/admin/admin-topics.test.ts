import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KlogError } from '../../../sdk/errors.js';
import { type AdminFixture, openAdmin, storeKinds } from './admin-fixture.js';

describe.each(storeKinds)('Admin topics on the %s store', (kind) => {
  let fixture: AdminFixture;
  beforeEach(async () => {
    fixture = await openAdmin(kind);
  });
  afterEach(() => fixture.close());

  it('creates topics, answers false when all of them existed, and lists them in name order', async () => {
    const { admin } = fixture;
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }, { topic: 'audit' }] })).toBe(
      true,
    );
    expect(await admin.createTopics({ topics: [{ topic: 'orders' }, { topic: 'audit' }] })).toBe(false);
    expect(await admin.createTopics({ topics: [{ topic: 'orders' }, { topic: 'events', numPartitions: -1 }] })).toBe(
      true,
    );
    expect(await admin.listTopics()).toEqual(['audit', 'events', 'orders']);
    await admin.disconnect();
  });

  it('creates nothing when any entry of the request is invalid', async () => {
    const { admin } = fixture;
    const unknownConfig = admin.createTopics({
      topics: [{ topic: 'good' }, { topic: 'bad', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    await expect(unknownConfig).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(unknownConfig).rejects.toThrow(/retention\.ms, retention\.bytes, max\.message\.bytes/);
    await expect(admin.createTopics({ topics: [{ topic: 'good' }, { topic: 'bad name' }] })).rejects.toMatchObject({
      code: 'INVALID_NAME',
    });
    await expect(admin.createTopics({ topics: [{ topic: 'good', numPartitions: 0 }] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(admin.createTopics({ topics: [{ topic: 'twice' }, { topic: 'twice' }] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(await admin.listTopics()).toEqual([]);
  });

  it('validates without creating when validateOnly is set', async () => {
    const { admin } = fixture;
    await admin.createTopics({ topics: [{ topic: 'existing' }] });
    expect(await admin.createTopics({ topics: [{ topic: 'planned', numPartitions: 2 }], validateOnly: true })).toBe(
      true,
    );
    expect(await admin.createTopics({ topics: [{ topic: 'existing' }], validateOnly: true })).toBe(false);
    expect(await admin.listTopics()).toEqual(['existing']);
  });

  it('describes partitions without leaders or replicas', async () => {
    const { admin } = fixture;
    await admin.createTopics({ topics: [{ topic: 'a', numPartitions: 2 }, { topic: 'b' }] });
    const { topics } = await admin.fetchTopicMetadata({ topics: ['a'] });
    expect(topics).toEqual([
      {
        name: 'a',
        partitions: [0, 1].map((partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: -1,
          replicas: [],
          isr: [],
          offlineReplicas: [],
        })),
      },
    ]);
    const all = await admin.fetchTopicMetadata();
    expect(all.topics.map((topic) => [topic.name, topic.partitions.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    await expect(admin.fetchTopicMetadata({ topics: ['a', 'missing'] })).rejects.toMatchObject({
      code: 'TOPIC_NOT_FOUND',
      context: { topic: 'missing' },
    });
  });

  it('deletes the topics that exist and reports the ones that do not', async () => {
    const { admin } = fixture;
    await admin.createTopics({ topics: [{ topic: 'gone' }, { topic: 'kept' }] });
    const failure = await admin.deleteTopics({ topics: ['gone', 'never'] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KlogError);
    expect(failure).toMatchObject({ code: 'TOPIC_NOT_FOUND', context: { topic: 'never' } });
    expect(await admin.listTopics()).toEqual(['kept']);
    await admin.deleteTopics({ topics: ['kept'] });
    expect(await admin.listTopics()).toEqual([]);
    expect(await admin.createTopics({ topics: [{ topic: 'gone' }] })).toBe(true);
  });

  it('adds partitions, and refuses to remove them', async () => {
    const { admin } = fixture;
    await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 2 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 5 }], validateOnly: true });
    expect((await admin.fetchTopicMetadata({ topics: ['grow'] })).topics[0]?.partitions).toHaveLength(2);
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 5 }] });
    expect((await admin.fetchTopicMetadata({ topics: ['grow'] })).topics[0]?.partitions).toHaveLength(5);
    expect(await admin.fetchTopicOffsets('grow')).toHaveLength(5);
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3 }] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 4 }], validateOnly: true }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'missing', count: 2 }] })).rejects.toMatchObject({
      code: 'TOPIC_NOT_FOUND',
    });
  });
});
