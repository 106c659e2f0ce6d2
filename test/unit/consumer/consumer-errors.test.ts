import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KlogError } from '../../../sdk/errors.js';
import { updatePartitionMeta } from '../../../sdk/log/partition-meta.js';
import type { TopicDescription } from '../../../sdk/log/topics.js';
import { segmentKey } from '../../../sdk/store/keys.js';
import { type ConsumerFixture, openFixture, range, storeKinds, waitFor } from './consumer-fixture.js';

describe.each(storeKinds)('Consumer errors on the %s store', (kind) => {
  let fixture: ConsumerFixture;
  beforeEach(async () => {
    fixture = await openFixture(kind);
  });
  afterEach(async () => {
    await fixture.close();
  });

  /** Offsets 0..8 in three segments, then retention moves the log start to 6 and deletes the first two. */
  async function trimmedTopic(name: string): Promise<TopicDescription> {
    const topic = await fixture.createTopic(name);
    for (let batch = 0; batch < 3; batch++) await fixture.append(topic, 0, range('v', batch * 3, batch * 3 + 3));
    const ref = fixture.ref(topic, 0);
    await updatePartitionMeta(fixture.store, ref, (meta) => ({ ...meta, logStartOffset: 6n }));
    await fixture.store.delete(segmentKey(ref, 0n));
    await fixture.store.delete(segmentKey(ref, 3n));
    return topic;
  }

  it('checks its group options: a valid group name, and group-only options only with a groupId', () => {
    expect(() => fixture.consumer({ groupId: 'bad/name' })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    expect(() => fixture.consumer({ sessionTimeoutMs: 10_000 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/only apply .* groupId/) }),
    );
    expect(() => fixture.consumer({ groupId: 'g', sessionTimeoutMs: 3_000, heartbeatIntervalMs: 1_500 })).toThrow(
      /at most a third of sessionTimeoutMs/,
    );
    expect(() => fixture.consumer({ groupId: 'g', partitionAssigners: [] })).toThrow(/partitionAssigners/);
    const grouped = fixture.consumer({ groupId: 'g' });
    expect(() => grouped.assign([{ topic: 't' }])).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });

  it('checks its options and the order of calls', async () => {
    expect(() => fixture.consumer({ maxBytes: 0 })).toThrow(/maxBytes must be a positive integer/);
    expect(() => fixture.consumer({ idlePollMinMs: 50, idlePollMaxMs: 10 })).toThrow(/idlePollMinMs/);
    const consumer = fixture.consumer();
    await expect(consumer.run({ eachMessage: async () => {} })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await consumer.subscribe({ topic: 'anything' });
    await expect(consumer.run({})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(consumer.subscribe({ topics: ['bad name'] })).rejects.toMatchObject({ code: 'INVALID_NAME' });
  });

  it("applies the 'earliest' reset policy (the default with fromBeginning) when the log start moved", async () => {
    await trimmedTopic('trimmed');
    const consumer = fixture.consumer();
    await consumer.subscribe({ topic: 'trimmed', fromBeginning: true });
    consumer.seek({ topic: 'trimmed', partition: 0, offset: '0' });
    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) });
    await waitFor(() => received.length === 3, 'the records from the new log start');
    expect(received).toEqual(['6', '7', '8']);
    expect(fixture.logs.some((entry) => entry.label === 'WARN' && /reset policy/.test(entry.log.message))).toBe(true);
  });

  it('applies the reset policy to a consumer whose position fell behind the log start while stopped', async () => {
    const topic = await fixture.createTopic('behind');
    for (let batch = 0; batch < 3; batch++) await fixture.append(topic, 0, range('v', batch * 3, batch * 3 + 3));
    const consumer = fixture.consumer({ autoOffsetReset: 'earliest' });
    consumer.assign([{ topic: 'behind', fromBeginning: true }]);
    const received: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message.offset);
        if (message.offset === '1') void consumer.stop();
      },
    });
    await waitFor(() => received.length === 2, 'two records before the stop');
    await consumer.stop();
    const ref = fixture.ref(topic, 0);
    await updatePartitionMeta(fixture.store, ref, (meta) => ({ ...meta, logStartOffset: 6n }));
    await fixture.store.delete(segmentKey(ref, 0n));
    await fixture.store.delete(segmentKey(ref, 3n));
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) });
    await waitFor(() => received.length === 5, 'the records from the new log start');
    expect(received).toEqual(['0', '1', '6', '7', '8']);
  });

  it("applies the 'latest' reset policy", async () => {
    const topic = await trimmedTopic('trimmed-latest');
    const consumer = fixture.consumer({ autoOffsetReset: 'latest' });
    await consumer.subscribe({ topic: 'trimmed-latest', fromBeginning: true });
    consumer.seek({ topic: 'trimmed-latest', partition: 0, offset: '2' });
    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) });
    await waitFor(() => fixture.logs.some((entry) => /reset policy/.test(entry.log.message)), 'the reset');
    await fixture.append(topic, 0, ['new']);
    await waitFor(() => received.length === 1, 'the record written after the reset');
    expect(received).toEqual(['9']);
  });

  it("stops with OFFSET_OUT_OF_RANGE through onCrash under the 'none' policy", async () => {
    await trimmedTopic('trimmed-none');
    const crashes: Error[] = [];
    const consumer = fixture.consumer({ autoOffsetReset: 'none', onCrash: (error) => crashes.push(error) });
    await consumer.subscribe({ topic: 'trimmed-none' });
    consumer.seek({ topic: 'trimmed-none', partition: 0, offset: '1' });
    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) });
    await waitFor(() => crashes.length === 1, 'the crash');
    expect(crashes[0]).toMatchObject({ code: 'OFFSET_OUT_OF_RANGE', context: { topic: 'trimmed-none', partition: 0 } });
    expect(received).toEqual([]);
    expect(fixture.logs.some((entry) => entry.label === 'ERROR')).toBe(true);
    // Stopped: run may be called again (here after a seek to a valid offset).
    consumer.seek({ topic: 'trimmed-none', partition: 0, offset: '7' });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) });
    await waitFor(() => received.length === 2, 'the records after the seek');
    expect(received).toEqual(['7', '8']);
  });

  it('retries retriable KlogErrors from eachMessage and delivers the message again', async () => {
    const topic = await fixture.createTopic('flaky');
    await fixture.append(topic, 0, range('v', 0, 4));
    const crashes: Error[] = [];
    const consumer = fixture.consumer({ onCrash: (error) => crashes.push(error) });
    await consumer.subscribe({ topic: 'flaky', fromBeginning: true });
    const attempts: string[] = [];
    let failures = 0;
    await consumer.run({
      eachMessage: async ({ message }) => {
        attempts.push(message.offset);
        if (message.offset === '1' && failures < 2) {
          failures++;
          throw new KlogError('STORE_UNAVAILABLE', 'try again');
        }
      },
    });
    await waitFor(() => attempts.at(-1) === '3', 'the last record');
    expect(attempts).toEqual(['0', '1', '1', '1', '2', '3']);
    expect(crashes).toEqual([]);
    expect(fixture.logs.some((entry) => entry.label === 'WARN' && /Retrying eachMessage/.test(entry.log.message))).toBe(
      true,
    );
  });

  it('stops on other handler errors, reports them through onCrash, and resumes at the failed record', async () => {
    const topic = await fixture.createTopic('broken');
    await fixture.append(topic, 0, range('v', 0, 4));
    const crashes: Error[] = [];
    const consumer = fixture.consumer({ onCrash: (error) => crashes.push(error) });
    await consumer.subscribe({ topic: 'broken', fromBeginning: true });
    const handled: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.offset === '2') throw new Error('bad record');
        handled.push(message.offset);
      },
    });
    await waitFor(() => crashes.length === 1, 'the crash');
    expect(crashes[0]!.message).toBe('bad record');
    expect(handled).toEqual(['0', '1']);
    const error = fixture.logs.find((entry) => entry.label === 'ERROR');
    expect(error?.log.error).toMatchObject({ message: 'bad record' });
    await consumer.run({ eachMessage: async ({ message }) => void handled.push(message.offset) });
    await waitFor(() => handled.length === 4, 'the rest after the restart');
    expect(handled).toEqual(['0', '1', '2', '3']);
  });

  it('retries eachBatch from after the last resolved offset', async () => {
    const topic = await fixture.createTopic('flaky-batch');
    await fixture.append(topic, 0, range('v', 0, 5));
    const consumer = fixture.consumer();
    await consumer.subscribe({ topic: 'flaky-batch', fromBeginning: true });
    const batches: string[][] = [];
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset }) => {
        batches.push(batch.messages.map((message) => message.offset));
        if (batches.length === 1) {
          resolveOffset('1');
          throw new KlogError('UNKNOWN_OUTCOME', 'try again');
        }
      },
    });
    await waitFor(() => batches.length === 2, 'the retried batch');
    expect(batches).toEqual([
      ['0', '1', '2', '3', '4'],
      ['2', '3', '4'],
    ]);
  });
});
