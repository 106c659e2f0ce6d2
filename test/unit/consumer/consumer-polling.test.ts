import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConsumerFixture, gate, openFixture, range, storeKinds, waitFor } from './consumer-fixture.js';

describe.each(storeKinds)('Consumer polling and discovery on the %s store', (kind) => {
  let fixture: ConsumerFixture;
  beforeEach(async () => {
    fixture = await openFixture(kind);
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('picks up records appended after it caught up (tail polling with backoff)', async () => {
    const topic = await fixture.createTopic('tail');
    await fixture.append(topic, 0, ['v0']);
    const consumer = fixture.consumer({ idlePollMinMs: 1, idlePollMaxMs: 20 });
    await consumer.subscribe({ topic: 'tail', fromBeginning: true });
    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    await waitFor(() => received.length === 1, 'the first record');
    // Let the partition go idle for a while, so the polls back off to their maximum.
    const getsBefore = fixture.context.counters.snapshot().requests.get;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fixture.context.counters.snapshot().requests.get).toBeGreaterThan(getsBefore);
    for (let round = 1; round <= 3; round++) {
      await fixture.append(topic, 0, [`v${round}`]);
      await waitFor(() => received.length === round + 1, `record ${round}`);
    }
    expect(received).toEqual(['v0', 'v1', 'v2', 'v3']);
  });

  it('picks up new partitions of a subscribed topic, and new topics matching a pattern, from their start', async () => {
    const topic = await fixture.createTopic('logs-a');
    await fixture.append(topic, 0, ['a0']);
    const consumer = fixture.consumer({ metadataMaxAgeMs: 10 });
    await consumer.subscribe({ topics: [/^logs-/], fromBeginning: false });
    const received: string[] = [];
    await consumer.run({
      eachMessage: async ({ topic: name, message }) => void received.push(`${name}:${message.value}`),
    });
    await fixture.context.backend.createPartitions('logs-a', 2);
    const grown = (await fixture.context.backend.getTopic('logs-a'))!;
    await fixture.append(grown, 1, ['a1-first']);
    const other = await fixture.createTopic('logs-b');
    await fixture.append(other, 0, ['b0']);
    await fixture.createTopic('metrics');
    await waitFor(() => received.length === 2, 'the new partition and the new topic');
    expect(received.sort()).toEqual(['logs-a:a1-first', 'logs-b:b0']);
  });

  it('waits for a subscribed topic that does not exist yet', async () => {
    const consumer = fixture.consumer({ metadataMaxAgeMs: 10 });
    await consumer.subscribe({ topic: 'later' });
    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    expect(fixture.logs.some((entry) => entry.label === 'WARN' && /do not exist yet/.test(entry.log.message))).toBe(
      true,
    );
    const topic = await fixture.createTopic('later');
    await fixture.append(topic, 0, ['first']);
    await waitFor(() => received.length === 1, 'the record of the new topic');
    expect(received).toEqual(['first']);
  });

  it('handles partitions concurrently when partitionsConsumedConcurrently allows it', async () => {
    const topic = await fixture.createTopic('parallel', 2);
    await fixture.append(topic, 0, range('a', 0, 3));
    await fixture.append(topic, 1, range('b', 0, 3));
    const consumer = fixture.consumer();
    consumer.assign([{ topic: 'parallel', fromBeginning: true }]);
    const held = gate();
    const received: string[] = [];
    await consumer.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ partition, message }) => {
        if (partition === 0) await held.promise;
        received.push(message.value!.toString());
      },
    });
    // Partition 0's handler is stuck; partition 1 still gets all its records.
    await waitFor(() => received.length === 3, 'partition 1 while partition 0 is busy');
    expect(received).toEqual(['b0', 'b1', 'b2']);
    held.open();
    await waitFor(() => received.length === 6, 'partition 0 once released');
    expect(received.slice(3)).toEqual(['a0', 'a1', 'a2']);
  });
});
