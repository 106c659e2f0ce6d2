import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsumedMessage, EachBatchPayload } from '../../../sdk/consumer/consumer.js';
import { type ConsumerFixture, gate, openFixture, range, storeKinds, waitFor } from './consumer-fixture.js';

interface Received {
  topic: string;
  partition: number;
  message: ConsumedMessage;
}

const valuesOf = (received: Received[], partition?: number) =>
  received
    .filter((entry) => partition === undefined || entry.partition === partition)
    .map((e) => e.message.value!.toString());

describe.each(storeKinds)('Consumer on the %s store', (kind) => {
  let fixture: ConsumerFixture;
  beforeEach(async () => {
    fixture = await openFixture(kind);
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('reads assigned partitions in offset order with eachMessage, in kafkajs shapes', async () => {
    const topic = await fixture.createTopic('orders', 3);
    for (let batch = 0; batch < 4; batch++) {
      for (let partition = 0; partition < 3; partition++) {
        await fixture.append(topic, partition, range(`p${partition}-`, batch * 5, batch * 5 + 5), 1_000 * (batch + 1));
      }
    }
    const consumer = fixture.consumer();
    consumer.assign([{ topic: 'orders', fromBeginning: true }]);
    const received: Received[] = [];
    await consumer.run({
      eachMessage: async ({ topic: name, partition, message }) => {
        received.push({ topic: name, partition, message });
      },
    });
    await waitFor(() => received.length === 60, 'all 60 records');
    for (let partition = 0; partition < 3; partition++) {
      expect(valuesOf(received, partition)).toEqual(range(`p${partition}-`, 0, 20));
      const offsets = received.filter((entry) => entry.partition === partition).map((entry) => entry.message.offset);
      expect(offsets).toEqual(range('', 0, 20));
    }
    const first = received.find((entry) => entry.partition === 1)!.message;
    expect(first).toEqual({
      key: Buffer.from('k0'),
      value: Buffer.from('p1-0'),
      headers: { h: Buffer.from('h-p1-0') },
      timestamp: '1000',
      offset: '0',
      attributes: 0,
      size: 'k0'.length + 'p1-0'.length + 'h'.length + 'h-p1-0'.length,
    });
    expect(Buffer.isBuffer(first.key)).toBe(true);
    const counters = fixture.context.counters;
    expect(counters.recordsReceived).toBe(60);
    expect(counters.bytesReceived).toBe(received.reduce((sum, entry) => sum + entry.message.size, 0));
  });

  it('starts at the log start with fromBeginning and at the log end otherwise', async () => {
    const topic = await fixture.createTopic('events');
    await fixture.append(topic, 0, ['old-0', 'old-1']);
    const fromStart = fixture.consumer();
    const latest = fixture.consumer();
    await fromStart.subscribe({ topic: 'events', fromBeginning: true });
    await latest.subscribe({ topics: ['events'] });
    const early: Received[] = [];
    const late: Received[] = [];
    await fromStart.run({ eachMessage: async (payload) => void early.push(payload) });
    await latest.run({ eachMessage: async (payload) => void late.push(payload) });
    await fixture.append(topic, 0, ['new-0']);
    await waitFor(() => early.length === 3 && late.length === 1, 'both consumers to see the new record');
    expect(valuesOf(early)).toEqual(['old-0', 'old-1', 'new-0']);
    expect(valuesOf(late)).toEqual(['new-0']);
    expect(late[0]!.message.offset).toBe('2');
  });

  it('starts at the first record at or after fromTimestamp, or at the end when there is none', async () => {
    const topic = await fixture.createTopic('timed');
    await fixture.append(topic, 0, ['a0', 'a1', 'a2'], 1_000);
    await fixture.append(topic, 0, ['b0', 'b1', 'b2'], 2_000);
    const middle = fixture.consumer();
    const future = fixture.consumer();
    await middle.subscribe({ topic: 'timed', fromTimestamp: 2_001 });
    await future.subscribe({ topic: 'timed', fromTimestamp: 9_999_999 });
    const fromMiddle: Received[] = [];
    const fromFuture: Received[] = [];
    await middle.run({ eachMessage: async (payload) => void fromMiddle.push(payload) });
    await future.run({ eachMessage: async (payload) => void fromFuture.push(payload) });
    await fixture.append(topic, 0, ['c0'], 3_000);
    await waitFor(() => fromMiddle.length === 3 && fromFuture.length === 1, 'the records after the timestamp');
    expect(valuesOf(fromMiddle)).toEqual(['b1', 'b2', 'c0']);
    expect(valuesOf(fromFuture)).toEqual(['c0']);
  });

  it('seeks before run (overriding fromBeginning) and while running (the next delivery starts there)', async () => {
    const topic = await fixture.createTopic('replay');
    await fixture.append(topic, 0, range('v', 0, 10));
    const consumer = fixture.consumer();
    await consumer.subscribe({ topic: 'replay', fromBeginning: true });
    consumer.seek({ topic: 'replay', partition: 0, offset: '6' });
    const received: Received[] = [];
    await consumer.run({ eachMessage: async (payload) => void received.push(payload) });
    await waitFor(() => received.length === 4, 'the records from offset 6');
    expect(valuesOf(received)).toEqual(['v6', 'v7', 'v8', 'v9']);

    consumer.seek({ topic: 'replay', partition: 0, offset: '2' });
    await waitFor(() => received.length === 12, 'the replay from offset 2');
    expect(valuesOf(received).slice(4)).toEqual(range('v', 2, 10));
    expect(() => consumer.seek({ topic: 'replay', partition: 0, offset: 'soon' })).toThrow(/decimal string/);
    expect(() => consumer.seek({ topic: 'other', partition: 0, offset: '0' })).toThrow(/does not read/);
  });

  it('a seek inside eachMessage stops the rest of the batch and continues at the new offset', async () => {
    const topic = await fixture.createTopic('jump');
    await fixture.append(topic, 0, range('v', 0, 10));
    const consumer = fixture.consumer();
    consumer.assign([{ topic: 'jump', fromBeginning: true }]);
    const received: string[] = [];
    let jumped = false;
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message.value!.toString());
        if (message.offset === '3' && !jumped) {
          jumped = true;
          consumer.seek({ topic: 'jump', partition: 0, offset: '8' });
        }
      },
    });
    await waitFor(() => received.length === 6, 'the records up to the seek and after it');
    expect(received).toEqual(['v0', 'v1', 'v2', 'v3', 'v8', 'v9']);
  });

  it('pauses and resumes partitions, from the payload and from the consumer', async () => {
    const topic = await fixture.createTopic('lanes', 2);
    await fixture.append(topic, 0, range('a', 0, 5));
    await fixture.append(topic, 1, range('b', 0, 5));
    const consumer = fixture.consumer();
    await consumer.subscribe({ topic: 'lanes', fromBeginning: true });
    const received: Received[] = [];
    let resumeLane0: (() => void) | undefined;
    await consumer.run({
      eachMessage: async (payload) => {
        received.push(payload);
        if (payload.partition === 0 && payload.message.offset === '1') resumeLane0 = payload.pause();
      },
    });
    await waitFor(() => valuesOf(received, 1).length === 5, 'partition 1 to be read while partition 0 is paused');
    expect(valuesOf(received, 0)).toEqual(['a0', 'a1']);
    expect(consumer.paused()).toEqual([{ topic: 'lanes', partitions: [0] }]);
    // What was fetched for the paused partition was dropped: it holds no memory while paused.
    expect(consumer.bufferedBytes).toBe(0);

    consumer.pause([{ topic: 'lanes' }]);
    expect(consumer.paused()).toEqual([{ topic: 'lanes', partitions: [0, 1] }]);
    await fixture.append(topic, 1, ['b5']);
    resumeLane0!();
    await waitFor(() => valuesOf(received, 0).length === 5, 'partition 0 after its resume');
    expect(valuesOf(received, 0)).toEqual(range('a', 0, 5));
    expect(consumer.paused()).toEqual([{ topic: 'lanes', partitions: [1] }]);
    expect(valuesOf(received, 1)).toEqual(range('b', 0, 5));

    consumer.resume([{ topic: 'lanes' }]);
    expect(consumer.paused()).toEqual([]);
    await waitFor(() => valuesOf(received, 1).length === 6, 'partition 1 after its resume');
    expect(valuesOf(received, 1).at(-1)).toBe('b5');
  });

  it('stop waits for the handler in flight, and run continues at the first record not handled', async () => {
    const topic = await fixture.createTopic('halt');
    await fixture.append(topic, 0, range('v', 0, 6));
    const consumer = fixture.consumer();
    await consumer.subscribe({ topic: 'halt', fromBeginning: true });
    const held = gate();
    const entered = gate();
    const received: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message.value!.toString());
        if (message.offset === '2') {
          entered.open();
          await held.promise;
        }
      },
    });
    await entered.promise;
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    held.open();
    await stopping;
    expect(received).toEqual(['v0', 'v1', 'v2']);
    expect(consumer.bufferedBytes).toBe(0);
    await expect(consumer.subscribe({ topic: 'halt' })).resolves.toBeUndefined();

    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    await expect(consumer.run({ eachMessage: async () => {} })).rejects.toThrow(/while the consumer is running/);
    await waitFor(() => received.length === 6, 'the rest after run again');
    expect(received).toEqual(range('v', 0, 6));
    await consumer.disconnect();
    expect(consumer.bufferedBytes).toBe(0);
  });

  it('eachBatch with resolveOffset: unresolved records come again, and batch helpers describe the batch', async () => {
    const topic = await fixture.createTopic('batches');
    await fixture.append(topic, 0, range('v', 0, 6));
    const consumer = fixture.consumer();
    consumer.assign([{ topic: 'batches', partitions: [0], fromBeginning: true }]);
    const batches: { offsets: string[]; hwm: string; lag: string; lagLow: string; first: string | null }[] = [];
    const resolvedSeen: string[] = [];
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, uncommittedOffsets, isRunning, isStale }: EachBatchPayload) => {
        batches.push({
          offsets: batch.messages.map((message) => message.offset),
          hwm: batch.highWatermark,
          lag: batch.offsetLag(),
          lagLow: batch.offsetLagLow(),
          first: batch.firstOffset(),
        });
        expect(isRunning()).toBe(true);
        expect(isStale()).toBe(false);
        // Handle only the first half of each batch; the rest must come again.
        const half = batch.messages.slice(0, Math.ceil(batch.messages.length / 2));
        for (const message of half) resolveOffset(message.offset);
        resolvedSeen.push(uncommittedOffsets().topics[0]!.partitions[0]!.offset);
      },
    });
    await waitFor(() => resolvedSeen.includes('6'), 'the last record to be resolved');
    await consumer.stop();
    expect(batches.map((batch) => batch.offsets)).toEqual([['0', '1', '2', '3', '4', '5'], ['3', '4', '5'], ['5']]);
    expect(batches[0]).toMatchObject({ hwm: '6', lag: '0', lagLow: '5', first: '0' });
    expect(resolvedSeen).toEqual(['3', '5', '6']);
  });
});
