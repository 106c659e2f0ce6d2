import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updatePartitionMeta } from '../../../sdk/log/partition-meta.js';
import { getTopic, partitionRefs } from '../../../sdk/log/topics.js';
import { type AdminFixture, openAdmin, recordsAt, storeKinds } from './admin-fixture.js';

describe.each(storeKinds)('Admin.describeTopic on the %s store', (kind) => {
  let fixture: AdminFixture;
  beforeEach(async () => {
    fixture = await openAdmin(kind);
  });
  afterEach(() => fixture.close());

  it('reports the id, config and per-partition offsets, segments and bytes', async () => {
    const { admin, append, store } = fixture;
    const before = Date.now();
    await admin.createTopics({
      topics: [{ topic: 'clicks', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    });
    await append('clicks', 0, recordsAt([1, 2, 3]));
    await append('clicks', 0, recordsAt([4]));
    const stored = await getTopic(store, 'clicks');
    // Retention moves the log start in meta.json; doing it by hand shows that earliestOffset reads it.
    await updatePartitionMeta(store, partitionRefs(stored!)[0]!, (meta) => ({ ...meta, logStartOffset: 3n }));

    const details = await admin.describeTopic('clicks');
    expect(details).toMatchObject({
      topic: 'clicks',
      topicId: stored!.topicId,
      config: { 'retention.ms': '60000', 'retention.bytes': '-1', 'max.message.bytes': '1048576' },
    });
    expect(Number(details.createdAt)).toBeGreaterThanOrEqual(before);
    const [first, second] = details.partitions;
    // The log start is the second segment's first offset, so only that segment is counted.
    expect(first).toMatchObject({ partition: 0, earliestOffset: '3', latestOffset: '4', segments: 1 });
    expect(first!.bytes).toBeGreaterThan(0);
    expect(second).toEqual({ partition: 1, earliestOffset: '0', latestOffset: '0', segments: 0, bytes: 0 });
    await expect(admin.describeTopic('missing')).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
  });
});
