import { afterEach, describe, expect, it } from 'vitest';
import { Klog } from '../../../sdk/client/klog.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { waitFor } from './consumer-fixture.js';

const open: { broker?: TestBroker; klog?: Klog } = {};

afterEach(async () => {
  await open.klog?.close();
  await open.broker?.close();
});

describe('a remote consumer on an idle partition', () => {
  it('long-polls again after an empty answer instead of backing off, so a new record is not delayed by idlePollMaxMs', async () => {
    // The helper's own server records the requests it receives.
    const broker = await startTestBroker(new MemoryObjectStore(), { fault: () => 'pass' });
    open.broker = broker;
    const klog = new Klog({ url: broker.url, remote: { fetchWaitMs: 50 } });
    open.klog = klog;
    await klog.admin().createTopics({ topics: [{ topic: 'quiet', numPartitions: 1 }] });
    const producer = klog.producer();
    await producer.send({ topic: 'quiet', messages: [{ value: 'first' }] });

    // A backoff of a minute: if the consumer backed off after an empty long-poll, nothing below would happen in time.
    const consumer = klog.consumer({ groupId: 'g', idlePollMinMs: 60_000, idlePollMaxMs: 60_000 });
    await consumer.subscribe({ topic: 'quiet', fromBeginning: true });
    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    await waitFor(() => received.length === 1, 'the first record', 10_000);

    const fetches = () => broker.requests.filter((request) => /^GET .*\/records$/.test(request)).length;
    const caughtUp = fetches();
    // Empty long-polls follow each other with no backoff between them.
    await waitFor(() => fetches() >= caughtUp + 3, 'three empty long-polls in a row', 10_000);

    await producer.send({ topic: 'quiet', messages: [{ value: 'second' }] });
    await waitFor(() => received.length === 2, 'the record produced while idle', 10_000);
    expect(received).toEqual(['first', 'second']);
    await consumer.disconnect();
    await producer.disconnect();
  });
});
