import { afterEach, describe, expect, it } from 'vitest';
import { ConfigResourceTypes } from '../../../sdk/admin/admin-types.js';
import { DirectBackend } from '../../../sdk/backend/direct-backend.js';
import { HttpBackend } from '../../../sdk/backend/http-backend.js';
import { Klog, type KlogConfig } from '../../../sdk/client/klog.js';
import { logLevel } from '../../../sdk/client/logger.js';
import { isKlogError } from '../../../sdk/errors.js';
import { partitionRefs } from '../../../sdk/log/topics.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { fastGroup } from '../../helpers/group-fixture.js';
import { readStoredBatches } from '../../helpers/log-invariants.js';
import { sdkRoundTrip } from '../../helpers/sdk-roundtrip-scenario.js';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from '../../helpers/test-broker.js';

const open: { brokers: TestBroker[]; clients: Klog[] } = { brokers: [], clients: [] };

afterEach(async () => {
  for (const client of open.clients.splice(0)) await client.close();
  for (const broker of open.brokers.splice(0)) await broker.close();
});

async function broker(store: ObjectStore, options?: TestBrokerOptions): Promise<TestBroker> {
  const started = await startTestBroker(store, options);
  open.brokers.push(started);
  return started;
}

function client(url: string, config: Omit<KlogConfig, 'url'> = {}): Klog {
  const klog = new Klog({ url, retry: { initialRetryTimeMs: 10, maxRetryTimeMs: 50 }, ...config });
  open.clients.push(klog);
  return klog;
}

/** The values stored in a topic's first partition, read from the store (not through the broker), in offset order. */
async function storedValues(store: ObjectStore, topic: string): Promise<string[]> {
  const described = await new DirectBackend(store).getTopic(topic);
  const batches = await readStoredBatches(store, partitionRefs(described!)[0]!);
  return batches.flatMap((batch) => batch.records.map((record) => Buffer.from(record.value!).toString()));
}

describe('the remote backend against the broker router', () => {
  it('runs the SDK round trip over HTTP: producer, consumer and admin with the same API', async () => {
    const store = new MemoryObjectStore();
    const { url } = await broker(store);
    const klog = client(url);
    await sdkRoundTrip(klog, { topics: 3, partitions: 2, records: 3_000, messagesPerSend: 250 }, 'remote');
    expect(klog.counters()).toMatchObject({ recordsSent: 3_000, recordsReceived: 3_000 });
    // The store calls were the broker's: the remote client made none.
    expect(klog.counters().requests.put).toBe(0);

    const admin = klog.admin();
    expect((await admin.listTopics()).sort()).toEqual(['remote-0', 'remote-1', 'remote-2']);
    const offsets = await admin.fetchTopicOffsets('remote-0');
    expect(offsets.map((entry) => Number(entry.high) - Number(entry.low)).reduce((a, b) => a + b, 0)).toBe(1_000);
    await admin.createPartitions({ topicPartitions: [{ topic: 'remote-0', count: 3 }] });
    expect((await admin.fetchTopicMetadata({ topics: ['remote-0'] })).topics[0]?.partitions).toHaveLength(3);
    await admin.alterConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'remote-1', configEntries: [{ name: 'retention.ms', value: '1' }] },
      ],
    });
    const configs = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'remote-1' }],
      includeSynonyms: false,
    });
    expect(configs.resources[0]?.configEntries.find((entry) => entry.configName === 'retention.ms')?.configValue).toBe(
      '1',
    );
    const maintenance = await admin.runMaintenance({ topics: ['remote-1'], now: Date.now() + 60_000 });
    expect(maintenance.map((report) => `${report.topic}/${report.partition}`)).toEqual(['remote-1/0', 'remote-1/1']);
    // Retention moved the log start past the old records (the newest segment stays, so the end does not move).
    expect(maintenance.some((report) => BigInt(report.logStartAfter) > BigInt(report.logStartBefore))).toBe(true);
    await admin.deleteTopics({ topics: ['remote-2'] });
    expect((await admin.listTopics()).sort()).toEqual(['remote-0', 'remote-1']);
    await expect(admin.fetchTopicOffsets('remote-2')).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
  });

  it('shares a topic between two group members over HTTP, every record handled once', async () => {
    const store = new MemoryObjectStore();
    const { url } = await broker(store);
    const admin = client(url).admin();
    await admin.createTopics({ topics: [{ topic: 'shared', numPartitions: 4 }] });
    const handled: { member: string; value: string }[] = [];
    const members = ['a', 'b'].map((name) => {
      const consumer = client(url, { clientId: name }).consumer({ groupId: 'g', ...fastGroup });
      return { name, consumer };
    });
    for (const { name, consumer } of members) {
      await consumer.subscribe({ topics: ['shared'], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          handled.push({ member: name, value: message.value!.toString() });
        },
      });
    }
    await until(async () => {
      const [group] = (await admin.describeGroups(['g'])).groups;
      return group?.state === 'Stable' && group.members.length === 2;
    }, 'both members joined');

    const values = Array.from({ length: 400 }, (_, n) => `v${n}`);
    await client(url)
      .producer()
      .send({ topic: 'shared', messages: values.map((value) => ({ key: value, value })) });
    await until(() => handled.length >= values.length, 'all records handled');
    for (const { consumer } of members) await consumer.disconnect();
    expect(handled.map((entry) => entry.value).sort()).toEqual([...values].sort());
    // Both members had partitions.
    expect(new Set(handled.map((entry) => entry.member))).toEqual(new Set(['a', 'b']));
  });

  it('long-polls: a fetch at the end of the log answers with records produced while it waits', async () => {
    const store = new MemoryObjectStore();
    // Through the helper's own server, which records the requests it receives.
    const { url, requests } = await broker(store, { fault: () => 'pass' });
    const klog = client(url);
    await klog.admin().createTopics({ topics: [{ topic: 'wait', numPartitions: 1 }] });
    const remote = new HttpBackend(url, { fetchWaitMs: 10_000 }, {});
    const described = (await remote.getTopic('wait'))!;
    const [ref] = partitionRefs(described);
    const reading = remote.openReader(ref!).read(0n);
    // Produce only once the fetch is waiting at the broker.
    await until(
      () => requests.some((request) => request.startsWith('GET ') && request.endsWith('/records')),
      'the fetch arrived',
    );
    const producer = klog.producer();
    await producer.send({ topic: 'wait', messages: [{ value: 'late' }] });
    const result = await reading;
    await remote.close();
    expect(result.records.map((record) => Buffer.from(record.value!).toString())).toEqual(['late']);
    expect(result.nextOffset).toBe(1n);
  });

  it('retries a 503 and an answer lost after the append: each batch is stored once', async () => {
    const store = new MemoryObjectStore();
    let produces = 0;
    const { url } = await broker(store, {
      fault: (method, path) => {
        if (method !== 'POST' || !path.endsWith('/records')) return 'pass';
        produces++;
        // The first produce is refused with 503; the second reaches the log but its answer is lost.
        if (produces === 1) return { status: 503 };
        if (produces === 2) return 'drop-after';
        return 'pass';
      },
    });
    const klog = client(url);
    await klog.admin().createTopics({ topics: [{ topic: 'flaky', numPartitions: 1 }] });
    const producer = klog.producer();
    const [sent] = await producer.send({ topic: 'flaky', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.send({ topic: 'flaky', messages: [{ value: 'c' }] });
    expect(produces).toBeGreaterThanOrEqual(4);
    expect(sent?.baseOffset).toBe('0');

    expect(await storedValues(store, 'flaky')).toEqual(['a', 'b', 'c']);
  });

  it('surfaces a missing or wrong token as AUTH_REQUIRED or AUTH_FAILED, not retried, with what to do', async () => {
    const store = new MemoryObjectStore();
    const secured = await broker(store, { token: 'right-token', fault: () => 'pass' });
    const before = secured.requests.length;
    const missing = await client(secured.url)
      .admin()
      .listTopics()
      .catch((error: unknown) => error);
    expect(isKlogError(missing) && missing.code).toBe('AUTH_REQUIRED');
    expect(secured.requests.length - before).toBe(1);
    const wrong = await client(secured.url, { brokerToken: 'wrong-token' })
      .admin()
      .listTopics()
      .catch((error: unknown) => error);
    expect(isKlogError(wrong) && wrong.code).toBe('AUTH_FAILED');
    expect(String((wrong as Error).message)).not.toContain('wrong-token');
    expect(await client(secured.url, { brokerToken: 'right-token' }).admin().listTopics()).toEqual([]);
  });

  it('logs nothing that holds the token, even at DEBUG while a producer fails', async () => {
    const store = new MemoryObjectStore();
    // The producer's first request meets a 503 (its retry is logged), then the broker refuses the token.
    let requests = 0;
    const secured = await broker(store, {
      token: 'right-token',
      fault: () => (requests++ === 0 ? { status: 503 } : 'pass'),
    });
    const logs: string[] = [];
    const klog = client(secured.url, {
      brokerToken: 'wrong-token',
      logLevel: logLevel.DEBUG,
      logCreator: () => (entry) => logs.push(JSON.stringify(entry)),
    });
    const error = await klog
      .producer()
      .send({ topic: 'quiet', messages: [{ value: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(isKlogError(error) && error.code).toBe('AUTH_FAILED');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain('wrong-token');
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('wrong-token');
  });
});

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
