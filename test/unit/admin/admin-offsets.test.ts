import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updatePartitionMeta } from '../../../sdk/log/partition-meta.js';
import { getTopic, partitionRefs } from '../../../sdk/log/topics.js';
import { type AdminFixture, openAdmin, recordsAt, storeKinds } from './admin-fixture.js';

describe.each(storeKinds)('Admin offsets on the %s store', (kind) => {
  let fixture: AdminFixture;
  beforeEach(async () => {
    fixture = await openAdmin(kind);
    await fixture.admin.createTopics({ topics: [{ topic: 'clicks', numPartitions: 2 }] });
  });
  afterEach(() => fixture.close());

  it('reports log-start and log-end offsets as strings', async () => {
    const { admin, append, store } = fixture;
    expect(await admin.fetchTopicOffsets('clicks')).toEqual([
      { partition: 0, offset: '0', high: '0', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ]);
    await append('clicks', 0, recordsAt([1, 2, 3]));
    await append('clicks', 0, recordsAt([4]));
    await append('clicks', 1, recordsAt([5]));
    // Retention moves the log start in meta.json; doing it by hand shows that `low` reads it.
    const topic = await getTopic(store, 'clicks');
    const [ref] = partitionRefs(topic!);
    await updatePartitionMeta(store, ref!, (meta) => ({ ...meta, logStartOffset: 3n }));
    expect(await admin.fetchTopicOffsets('clicks')).toEqual([
      { partition: 0, offset: '4', high: '4', low: '3' },
      { partition: 1, offset: '1', high: '1', low: '0' },
    ]);
    await expect(admin.fetchTopicOffsets('missing')).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
  });

  it('finds the first offset at or after a time, and the log end when nothing is that new', async () => {
    const { admin, append } = fixture;
    await append('clicks', 0, recordsAt([1_000, 2_000]));
    await append('clicks', 0, recordsAt([3_000]));
    await append('clicks', 1, recordsAt([5_000]));
    expect(await admin.fetchTopicOffsetsByTimestamp('clicks', 1_500)).toEqual([
      { partition: 0, offset: '1' },
      { partition: 1, offset: '0' },
    ]);
    expect(await admin.fetchTopicOffsetsByTimestamp('clicks', 2_500)).toEqual([
      { partition: 0, offset: '2' },
      { partition: 1, offset: '0' },
    ]);
    expect(await admin.fetchTopicOffsetsByTimestamp('clicks', 9_000)).toEqual([
      { partition: 0, offset: '3' },
      { partition: 1, offset: '1' },
    ]);
    expect(await admin.fetchTopicOffsetsByTimestamp('clicks')).toEqual([
      { partition: 0, offset: '3' },
      { partition: 1, offset: '1' },
    ]);
    await expect(admin.fetchTopicOffsetsByTimestamp('clicks', Number.NaN)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
