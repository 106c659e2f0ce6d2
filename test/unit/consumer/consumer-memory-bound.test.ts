import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConsumerFixture, openFixture, storeKinds, waitFor } from './consumer-fixture.js';

describe.each(storeKinds)('Consumer memory bound on the %s store', (kind) => {
  let fixture: ConsumerFixture;
  beforeEach(async () => {
    fixture = await openFixture(kind);
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('never buffers more than maxBytes while reading several MiB', async () => {
    const partitions = 3;
    const batches = 40;
    const recordsPerBatch = 100;
    const topic = await fixture.createTopic('bulk', partitions);
    const value = 'x'.repeat(350);
    for (let batch = 0; batch < batches; batch++) {
      for (let partition = 0; partition < partitions; partition++) {
        const values = Array.from(
          { length: recordsPerBatch },
          (_, index) => `${batch * recordsPerBatch + index}:${value}`,
        );
        await fixture.append(topic, partition, values);
      }
    }
    const total = partitions * batches * recordsPerBatch;
    const maxBytes = 64 * 1024;
    const consumer = fixture.consumer({ maxBytes });
    await consumer.subscribe({ topic: 'bulk', fromBeginning: true });
    const next = new Map<number, number>();
    let received = 0;
    let payloadBytes = 0;
    let outOfOrder = 0;
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const n = Number(message.value!.toString().split(':')[0]);
          if (n !== (next.get(batch.partition) ?? 0)) outOfOrder++;
          next.set(batch.partition, n + 1);
          payloadBytes += message.size;
        }
        received += batch.messages.length;
        // A slow handler, so that reads run ahead and fill the buffer.
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    await waitFor(() => received === total, 'every record', 60_000);
    expect(outOfOrder).toBe(0);
    expect(payloadBytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(consumer.maxBufferedBytes).toBeLessThanOrEqual(maxBytes);
    expect(consumer.maxBufferedBytes).toBeGreaterThan(maxBytes / 2);
    // The last batch's bytes are freed when its handler returns, just after `received` reached the total.
    await waitFor(() => consumer.bufferedBytes === 0, 'the buffer to drain after the last handler', 10_000);
  });

  it('drops what it fetched for a paused partition, so the other partitions keep the whole buffer', async () => {
    const topic = await fixture.createTopic('crowded', 2);
    const value = 'y'.repeat(100);
    await fixture.append(
      topic,
      0,
      Array.from({ length: 40 }, (_, index) => `${index}:${value}`),
    );
    for (let batch = 0; batch < 20; batch++) {
      await fixture.append(
        topic,
        1,
        Array.from({ length: 10 }, (_, index) => `${batch * 10 + index}:${value}`),
      );
    }
    const maxBytes = 4_096;
    const consumer = fixture.consumer({ maxBytes });
    await consumer.subscribe({ topic: 'crowded', fromBeginning: true });
    const received = [0, 0];
    await consumer.run({
      eachMessage: async ({ partition, pause }) => {
        received[partition]!++;
        if (partition === 0) pause();
      },
    });
    await waitFor(() => received[1] === 200, 'every record of the partition that is not paused');
    expect(received[0]).toBe(1);
    expect(consumer.paused()).toEqual([{ topic: 'crowded', partitions: [0] }]);
    expect(consumer.maxBufferedBytes).toBeLessThanOrEqual(maxBytes);
  });

  it('still delivers a single record larger than the whole bound, holding nothing else with it', async () => {
    const topic = await fixture.createTopic('large');
    await fixture.append(topic, 0, ['small-0', 'L'.repeat(8_000), 'small-2']);
    const consumer = fixture.consumer({ maxBytes: 1_024 });
    await consumer.subscribe({ topic: 'large', fromBeginning: true });
    const sizes: number[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void sizes.push(message.value!.length) });
    await waitFor(() => sizes.length === 3, 'all three records');
    expect(sizes).toEqual([7, 8_000, 7]);
    const largest = 'k1'.length + 8_000 + 'h'.length + 'h-'.length + 8_000;
    expect(consumer.maxBufferedBytes).toBe(largest);
  });
});
