import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Admin } from '../../../sdk/admin/admin.js';
import { type ConsumerFixture, openFixture, range, storeKinds, waitFor } from '../consumer/consumer-fixture.js';

const WRITTEN_AT = 1_700_000_000_000;
const DAY = 24 * 3_600_000;

describe.each(storeKinds)('a consumer after retention on the %s store', (kind) => {
  let fixture: ConsumerFixture;
  beforeEach(async () => {
    fixture = await openFixture(kind);
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('below the new log start gets its reset policy; the admin reports what moved', async () => {
    const topic = await fixture.createTopic('aged');
    for (let batch = 0; batch < 3; batch++) {
      await fixture.append(topic, 0, range('v', batch * 3, batch * 3 + 3), WRITTEN_AT + batch * DAY);
    }
    // The default retention is 7 days: 8.5 days after the first batch, the first two segments are due.
    const report = await new Admin(fixture.context).runMaintenance({ topics: ['aged'], now: WRITTEN_AT + 8.5 * DAY });
    expect(report).toEqual([
      {
        topic: 'aged',
        partition: 0,
        outcome: 'done',
        logStartBefore: '0',
        logStartAfter: '6',
        reason: 'time',
        deletedSegments: 2,
        deletedBytes: expect.any(Number),
      },
    ]);

    const consumer = fixture.consumer({ autoOffsetReset: 'earliest' });
    await consumer.subscribe({ topic: 'aged' });
    consumer.seek({ topic: 'aged', partition: 0, offset: '0' });
    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) });
    await waitFor(() => received.length === 3, 'the records from the new log start');
    expect(received).toEqual(['6', '7', '8']);
  });
});
