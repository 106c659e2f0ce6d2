import { afterEach, describe, expect, it } from 'vitest';
import { isKlogError } from '../../../sdk/errors.js';
import { Producer } from '../../../sdk/producer/producer.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { fastRetry, openFixture, type ProducerFixture, topicName } from './producer-fixture.js';

const fixtures: ProducerFixture[] = [];

afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close();
});

/** Two clients (as two processes would have) on one store. */
async function twoClients(): Promise<[ProducerFixture, ProducerFixture]> {
  const store = new MemoryObjectStore();
  const first = await openFixture(store, { retry: fastRetry });
  const second = await openFixture(store, { retry: fastRetry });
  fixtures.push(first, second);
  return [first, second];
}

describe('Producer with a fencing id', () => {
  it('fences the earlier producer with the same fencing id; none of its later records are stored', async () => {
    const [clientA, clientB] = await twoClients();
    const topic = topicName('fenced');
    await clientA.createTopic(topic, { partitions: 1 });
    const producerA = new Producer(clientA.context, { fencingId: 'orders-writer' });
    const producerB = new Producer(clientB.context, { fencingId: 'orders-writer' });
    await producerA.send({ topic, messages: [{ value: 'a-before' }] });
    await producerB.send({ topic, messages: [{ value: 'b-1' }] });

    const failure = await producerA.send({ topic, messages: [{ value: 'a-after' }] }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isKlogError(failure, 'FENCED')).toBe(true);
    expect((failure as Error).message).toContain('fencing id "orders-writer"');
    await expect(producerA.send({ topic, messages: [{ value: 'a-later' }] })).rejects.toMatchObject({
      code: 'FENCED',
    });
    await producerB.send({ topic, messages: [{ value: 'b-2' }] });

    const values = (await clientB.readAll(topic, 0)).map((record) => Buffer.from(record.value ?? []).toString());
    expect(values).toEqual(['a-before', 'b-1', 'b-2']);
    await producerB.disconnect();
  });

  it('leaves shared producers alone: without a fencing id nothing is taken over', async () => {
    const [clientA, clientB] = await twoClients();
    const topic = topicName('shared');
    await clientA.createTopic(topic, { partitions: 1 });
    const producerA = new Producer(clientA.context);
    const producerB = new Producer(clientB.context);
    await producerA.send({ topic, messages: [{ value: 'a' }] });
    await producerB.send({ topic, messages: [{ value: 'b' }] });
    await producerA.send({ topic, messages: [{ value: 'a2' }] });
    expect((await clientA.batches(topic, 0)).map((batch) => batch.records)).toEqual([1, 1, 1]);
  });

  it('refuses a fencing id that is not a legal name', async () => {
    const [client] = await twoClients();
    expect(() => new Producer(client.context, { fencingId: 'no/slashes' })).toThrow(
      expect.objectContaining({ code: 'INVALID_NAME' }),
    );
  });
});
