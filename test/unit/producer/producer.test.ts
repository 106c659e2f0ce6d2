import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../../sdk/backend/backend.js';
import { Klog } from '../../../sdk/client/klog.js';
import { isKlogError, KlogError } from '../../../sdk/errors.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import type { AppendRequest } from '../../../sdk/log/partition-writer.js';
import { getTopic } from '../../../sdk/log/topics.js';
import { Producer, type RecordMetadata } from '../../../sdk/producer/producer.js';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import type { PartitionRef } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { fastRetry, openFixture, type ProducerFixture, storeKinds, topicName, values } from './producer-fixture.js';

let fixture: ProducerFixture | null = null;

async function open(...args: Parameters<typeof openFixture>): Promise<ProducerFixture> {
  fixture = await openFixture(...args);
  return fixture;
}

afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

describe.each(storeKinds)('Producer on the %s store', (kind) => {
  it('sends records and reads them back byte for byte, with offsets per partition', async () => {
    const { context, createTopic, readAll } = await open(kind);
    const topic = topicName('roundtrip');
    await createTopic(topic, { partitions: 1 });
    const producer = new Producer(context);
    await producer.connect();
    const first = await producer.send({
      topic,
      messages: [
        { key: 'k1', value: 'v1', headers: { trace: 'a', multi: ['x', Buffer.from('y')] }, timestamp: '1700000000000' },
        { key: null, value: Buffer.from([0, 1, 2, 255]) },
        { value: null, headers: { skipped: undefined } },
      ],
    });
    const second = await producer.send({ topic, messages: [{ key: 'k2', value: 'v2' }] });
    await producer.disconnect();

    expect(first).toEqual([
      { topicName: topic, partition: 0, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '-1' },
    ]);
    expect(second[0]?.baseOffset).toBe('3');
    const records = await readAll(topic, 0);
    expect(records.map((record) => record.offset)).toEqual([0n, 1n, 2n, 3n]);
    expect(Buffer.from(records[0]!.key!).toString()).toBe('k1');
    expect(records[0]!.timestamp).toBe(1_700_000_000_000);
    expect(records[0]!.headers.map((header) => [header.key, Buffer.from(header.value!).toString()])).toEqual([
      ['trace', 'a'],
      ['multi', 'x'],
      ['multi', 'y'],
    ]);
    expect(records[1]!.key).toBeNull();
    expect([...records[1]!.value!]).toEqual([0, 1, 2, 255]);
    expect(records[2]!.value).toBeNull();
    expect(records[2]!.headers).toEqual([]);
    expect(values([records[3]!])).toEqual(['v2']);
  });

  it('maps keys to partitions with murmur2 and reports the first offset of each send per partition', async () => {
    const { context, createTopic, readAll } = await open(kind);
    const topic = topicName('keys');
    await createTopic(topic, { partitions: 4 });
    const producer = new Producer(context, { lingerMs: 20 });
    const [a, b] = await Promise.all([
      producer.send({
        topic,
        messages: [
          { key: '0', value: 'a0' },
          { key: '1', value: 'a1' },
        ],
      }),
      producer.send({
        topic,
        messages: [
          { key: '1', value: 'b1' },
          { key: '100:48069', value: 'b2' },
          { key: '0', value: 'b0' },
        ],
      }),
    ]);
    await producer.disconnect();
    // From the Java vectors: '0' → 971027396, '1' → -1993445489, '100:48069' → 1009543857.
    const p0 = 971027396 % 4;
    const p1 = (-1993445489 & 0x7fffffff) % 4;
    const p2 = 1009543857 % 4;
    const byPartition = (results: RecordMetadata[]) =>
      Object.fromEntries(results.map((result) => [result.partition, result.baseOffset]));
    expect(byPartition(a!)).toEqual({ [p0]: '0', [p1]: '0' });
    expect(byPartition(b!)).toEqual({ [p1]: '1', [p2]: '0', [p0]: '1' });
    expect(values(await readAll(topic, p0))).toEqual(['a0', 'b0']);
    expect(values(await readAll(topic, p1))).toEqual(['a1', 'b1']);
    expect(values(await readAll(topic, p2))).toEqual(['b2']);
  });

  it('writes many sends within the linger time as one segment per partition', async () => {
    const { context, createTopic, store, readAll } = await open(kind);
    const topic = topicName('linger');
    await createTopic(topic, { partitions: 3 });
    const producer = new Producer(context, { lingerMs: 50 });
    await producer.send({ topic, messages: [{ value: 'warm-up', partition: 0 }] });
    const putsBefore = store.counts().put;
    const sends = Array.from({ length: 60 }, (_, index) =>
      producer.send({ topic, messages: [{ key: `key-${index}`, value: `v-${index}` }] }),
    );
    const results = await Promise.all(sends);
    const partitionsTouched = new Set(results.flat().map((result) => result.partition));
    expect(partitionsTouched.size).toBe(3);
    expect(store.counts().put - putsBefore).toBe(3);
    let total = 0;
    for (let partition = 0; partition < 3; partition++) total += (await readAll(topic, partition)).length;
    expect(total).toBe(61);
    await producer.disconnect();
  });

  it('sends keyless records to one partition per batch and moves on after each batch', async () => {
    const { context, createTopic, batches } = await open(kind);
    const topic = topicName('sticky');
    await createTopic(topic, { partitions: 4 });
    const producer = new Producer(context, { lingerMs: 1 });
    const used: number[] = [];
    for (let round = 0; round < 12; round++) {
      // Ten sends at once fill one batch; each awaited round closes it.
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => producer.send({ topic, messages: [{ value: `r${round}-${index}` }] })),
      );
      const partitions = new Set(results.flat().map((result) => result.partition));
      expect(partitions.size).toBe(1);
      used.push(results[0]![0]!.partition);
    }
    await producer.disconnect();
    for (let round = 1; round < used.length; round++) expect(used[round]).not.toBe(used[round - 1]);
    expect(new Set(used).size).toBeGreaterThan(1);
    let stored = 0;
    for (let partition = 0; partition < 4; partition++) {
      for (const batch of await batches(topic, partition)) {
        expect(batch.records).toBe(10);
        stored += batch.records;
      }
    }
    expect(stored).toBe(120);
  });

  it('flush() writes accepted records without waiting for the linger time', async () => {
    const { context, createTopic, readAll } = await open(kind);
    const topic = topicName('flush');
    await createTopic(topic, { partitions: 2 });
    const producer = new Producer(context, { lingerMs: 600_000 });
    const sent = producer.send({
      topic,
      messages: [
        { value: 'a', partition: 0 },
        { value: 'b', partition: 1 },
      ],
    });
    await producer.flush();
    expect(values(await readAll(topic, 0))).toEqual(['a']);
    expect(values(await readAll(topic, 1))).toEqual(['b']);
    expect((await sent).map((result) => result.baseOffset)).toEqual(['0', '0']);
    expect(producer.bufferedBytes).toBe(0);
    await producer.disconnect();
  });

  it('disconnect() delivers pending records, then rejects sends until connect()', async () => {
    const { context, createTopic, readAll } = await open(kind);
    const topic = topicName('disconnect');
    await createTopic(topic, { partitions: 1 });
    const producer = new Producer(context, { lingerMs: 600_000 });
    const sends = [0, 1, 2].map((index) => producer.send({ topic, messages: [{ value: `p-${index}` }] }));
    await producer.disconnect();
    expect((await Promise.all(sends)).map((results) => results[0]?.baseOffset)).toEqual(['0', '1', '2']);
    expect(values(await readAll(topic, 0))).toEqual(['p-0', 'p-1', 'p-2']);

    const refused = await producer.send({ topic, messages: [{ value: 'late' }] }).catch((error: unknown) => error);
    expect(isKlogError(refused, 'CLOSED')).toBe(true);
    expect((refused as KlogError).message).toMatch(/disconnected/);
    await producer.connect();
    const again = producer.send({ topic, messages: [{ value: 'again' }] });
    await producer.disconnect();
    await again;
    expect(values(await readAll(topic, 0))).toEqual(['p-0', 'p-1', 'p-2', 'again']);
  });

  it('counts records and payload bytes sent', async () => {
    const { context, createTopic } = await open(kind);
    const topic = topicName('counters');
    await createTopic(topic);
    const producer = new Producer(context);
    await producer.send({ topic, messages: [{ key: 'ab', value: 'cde', headers: { h: 'fg' } }, { value: 'xyz' }] });
    await producer.disconnect();
    expect(context.counters.recordsSent).toBe(2);
    // Keys, values, header names and header values: 2 + 3 + 1 + 2, then 3.
    expect(context.counters.bytesSent).toBe(11);
  });
});

describe('Producer batching and backpressure', () => {
  it('never holds more than bufferMaxBytes against a slow store while 10 MiB of sends complete', async () => {
    let producer: Producer | null = null;
    let highest = 0;
    const sample = () => {
      highest = Math.max(highest, producer?.bufferedBytes ?? 0);
      return 2;
    };
    const { context, createTopic, readAll } = await open(new MemoryObjectStore({ latencyMs: sample }));
    const topic = topicName('backpressure');
    await createTopic(topic, { partitions: 4 });
    const bufferMaxBytes = 1024 * 1024;
    producer = new Producer(context, { bufferMaxBytes, batchMaxBytes: 128 * 1024, lingerMs: 5 });
    const value = Buffer.alloc(1024, 7);
    const sends: Promise<RecordMetadata[]>[] = [];
    for (let send = 0; send < 100; send++) {
      const messages = Array.from({ length: 100 }, (_, index) => ({ key: `k-${send}-${index}`, value }));
      sends.push(producer.send({ topic, messages }));
      sample();
    }
    const results = await Promise.all(sends);
    await producer.disconnect();

    expect(results).toHaveLength(100);
    expect(highest).toBeLessThanOrEqual(bufferMaxBytes);
    // The bound was reached, so sends really waited for room.
    expect(highest).toBeGreaterThan(bufferMaxBytes / 2);
    let total = 0;
    for (let partition = 0; partition < 4; partition++) total += (await readAll(topic, partition)).length;
    expect(total).toBe(10_000);
    expect(producer.bufferedBytes).toBe(0);
  });

  it('rejects a message larger than the whole buffer, and keeps working', async () => {
    const { context, createTopic, readAll } = await open('memory');
    const topic = topicName('huge');
    await createTopic(topic, { config: { maxMessageBytes: 10 * 1024 * 1024 } });
    const producer = new Producer(context, { bufferMaxBytes: 64 * 1024 });
    const error = await producer
      .send({ topic, messages: [{ value: Buffer.alloc(100 * 1024) }] })
      .catch((caught: unknown) => caught);
    expect(isKlogError(error, 'RECORD_TOO_LARGE')).toBe(true);
    expect((error as KlogError).message).toMatch(/bufferMaxBytes/);
    await producer.send({ topic, messages: [{ value: 'small' }] });
    await producer.disconnect();
    expect(values(await readAll(topic, 0))).toEqual(['small']);
  });

  it('compresses with the producer codec unless a send names its own', async () => {
    const { context, createTopic, batches, readAll } = await open('memory');
    const topic = topicName('codec');
    await createTopic(topic);
    const producer = new Producer(context, { compression: 'gzip', lingerMs: 20 });
    await Promise.all([
      producer.send({ topic, messages: [{ value: 'g1' }, { value: 'g2' }] }),
      producer.send({ topic, messages: [{ value: 's1' }], compression: 'snappy' }),
      producer.send({ topic, messages: [{ value: 'n1' }], compression: 'none' }),
    ]);
    await producer.disconnect();
    expect((await batches(topic, 0)).map((batch) => [batch.compression, batch.records])).toEqual([
      ['gzip', 2],
      ['snappy', 1],
      ['none', 1],
    ]);
    expect(values(await readAll(topic, 0))).toEqual(['g1', 'g2', 's1', 'n1']);
  });

  it('sendBatch sends to several topics and answers per topic and partition', async () => {
    const { context, createTopic, readAll } = await open('memory');
    const first = topicName('batch-a');
    const second = topicName('batch-b');
    await createTopic(first, { partitions: 2 });
    await createTopic(second);
    const producer = new Producer(context);
    const results = await producer.sendBatch({
      topicMessages: [
        {
          topic: first,
          messages: [
            { value: 'a0', partition: 0 },
            { value: 'a1', partition: 1 },
          ],
        },
        { topic: second, messages: [{ value: 'b0' }] },
      ],
    });
    await producer.disconnect();
    expect(results.map((result) => `${result.topicName}/${result.partition}@${result.baseOffset}`).sort()).toEqual(
      [`${first}/0@0`, `${first}/1@0`, `${second}/0@0`].sort(),
    );
    expect(values(await readAll(second, 0))).toEqual(['b0']);
  });
});

describe('Producer idempotent retries', () => {
  it('stores every record exactly once and in order under random store faults', async () => {
    const memory = new MemoryObjectStore();
    const { context, createTopic, readAll } = await open(memory, { retry: fastRetry });
    const topic = topicName('faults');
    await createTopic(topic, { partitions: 3 });
    memory.faults.random({
      seed: 7,
      rate: 0.3,
      kinds: ['error-5xx', 'reset-before-send', 'land-then-timeout', 'drop-response', 'conflict-absent', 'land-later'],
      readErrorRate: 0.05,
    });
    const producer = new Producer(context, { lingerMs: 1 });
    // One stream of sends per partition, each send awaited, so that there are many batches to hit with faults
    // and each partition's expected order is plain.
    const stream = async (partition: number) => {
      for (let send = 0; send < 80; send++) {
        const messages = Array.from({ length: 5 }, (_, index) => ({
          value: `${partition}-${String(send * 5 + index).padStart(4, '0')}`,
          partition,
        }));
        await producer.send({ topic, messages });
      }
    };
    const outcomes = await Promise.allSettled([0, 1, 2].map(stream));
    await producer.disconnect();
    memory.faults.clear();
    await memory.faults.pending();

    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(Object.values(memory.faults.injected()).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(50);
    for (let partition = 0; partition < 3; partition++) {
      expect(values(await readAll(topic, partition))).toEqual(
        Array.from({ length: 400 }, (_, n) => `${partition}-${String(n).padStart(4, '0')}`),
      );
    }
  });

  it('retries an append whose answer was lost with the same producer id and sequence, storing it once', async () => {
    const { context, createTopic, readAll, batches } = await open('memory', { retry: fastRetry });
    const topic = topicName('lost-answer');
    await createTopic(topic);
    const real = context.backend;
    const requests: AppendRequest[] = [];
    let loseNext = true;
    const lossy: Backend = Object.create(real, {
      append: {
        value: async (ref: PartitionRef, request: AppendRequest) => {
          requests.push(request);
          const result = await real.append(ref, request);
          if (!loseNext) return result;
          loseNext = false;
          throw new KlogError('UNKNOWN_OUTCOME', 'injected: the answer was lost', { context: { topic } });
        },
      },
    });
    const producer = new Producer({ ...context, backend: lossy });
    const [result] = await producer.send({ topic, messages: [{ value: 'once' }, { value: 'twice?' }] });
    await producer.send({ topic, messages: [{ value: 'next' }] });
    await producer.disconnect();

    expect(result?.baseOffset).toBe('0');
    expect(requests).toHaveLength(3);
    expect(requests[1]?.producerId).toBe(requests[0]?.producerId);
    expect(requests[1]?.baseSequence).toBe(0);
    expect(requests[2]?.producerId).toBe(requests[0]?.producerId);
    expect(requests[2]?.baseSequence).toBe(2);
    expect(values(await readAll(topic, 0))).toEqual(['once', 'twice?', 'next']);
    expect((await batches(topic, 0)).map((batch) => batch.records)).toEqual([2, 1]);
  });
});

describe('Producer bad input', () => {
  it('rejects a missing topic without auto-creation with a hint, and keeps sending elsewhere', async () => {
    const { context, createTopic, readAll } = await open('memory');
    const good = topicName('exists');
    await createTopic(good);
    const producer = new Producer(context, { allowAutoTopicCreation: false });
    const missing = topicName('missing');
    const [refused, accepted] = await Promise.allSettled([
      producer.send({ topic: missing, messages: [{ value: 'x' }] }),
      producer.send({ topic: good, messages: [{ value: 'ok' }] }),
    ]);
    await producer.disconnect();
    expect(refused.status).toBe('rejected');
    const error = (refused as PromiseRejectedResult).reason;
    expect(isKlogError(error, 'TOPIC_NOT_FOUND')).toBe(true);
    expect((error as KlogError).message).toMatch(/createTopics/);
    expect(accepted.status).toBe('fulfilled');
    expect(values(await readAll(good, 0))).toEqual(['ok']);
    expect(await context.backend.getTopic(missing)).toBeNull();
  });

  it('creates a missing topic with the topic defaults and logs a notice', async () => {
    const { context, logs, readAll } = await open('memory');
    const topic = topicName('auto');
    const producer = new Producer(context);
    const [first, second] = await Promise.all([
      producer.send({ topic, messages: [{ value: 'a' }] }),
      producer.send({ topic, messages: [{ value: 'b' }] }),
    ]);
    await producer.disconnect();
    expect([first?.[0]?.baseOffset, second?.[0]?.baseOffset]).toEqual(['0', '1']);
    expect((await context.backend.getTopic(topic))?.partitions).toBe(1);
    expect(values(await readAll(topic, 0))).toEqual(['a', 'b']);
    expect(logs.filter((entry) => entry.label === 'INFO' && entry.log.topic === topic)).toHaveLength(1);
  });

  it('rejects a message over maxMessageBytes naming topic and partition; the rest of the producer goes on', async () => {
    const { context, createTopic, readAll } = await open('memory');
    const topic = topicName('too-large');
    await createTopic(topic, { partitions: 2, config: { maxMessageBytes: 1000 } });
    const producer = new Producer(context, { lingerMs: 10 });
    const [tooLarge, fine] = await Promise.allSettled([
      producer.send({
        topic,
        messages: [
          { value: 'fits', partition: 1 },
          { value: Buffer.alloc(2000), partition: 1 },
        ],
      }),
      producer.send({ topic, messages: [{ value: 'other', partition: 1 }] }),
    ]);
    await producer.disconnect();
    const error = (tooLarge as PromiseRejectedResult).reason;
    expect(isKlogError(error, 'RECORD_TOO_LARGE')).toBe(true);
    expect((error as KlogError).message).toContain(`topic "${topic}" partition 1`);
    expect((error as KlogError).context).toMatchObject({ topic, partition: 1, messageIndex: 1 });
    expect(fine.status).toBe('fulfilled');
    // Nothing of the rejected send was stored, not even its message that fits.
    expect(values(await readAll(topic, 1))).toEqual(['other']);
  });

  it('names the partition a keyed record over maxMessageBytes would have gone to', async () => {
    const { context, createTopic } = await open('memory');
    const topic = topicName('too-large-keyed');
    await createTopic(topic, { partitions: 4, config: { maxMessageBytes: 100 } });
    const producer = new Producer(context);
    const error = await producer
      .send({ topic, messages: [{ key: '100:48069', value: Buffer.alloc(200) }] })
      .catch((caught: unknown) => caught);
    await producer.disconnect();
    expect(isKlogError(error, 'RECORD_TOO_LARGE')).toBe(true);
    expect((error as KlogError).message).toContain(`topic "${topic}" partition ${1009543857 % 4}`);
  });

  it('rejects a partition out of range naming the count, and sees partitions added later', async () => {
    const { context, createTopic, readAll } = await open('memory');
    const topic = topicName('range');
    await createTopic(topic, { partitions: 2 });
    const producer = new Producer(context);
    const error = await producer
      .send({ topic, messages: [{ value: 'x', partition: 2 }] })
      .catch((caught: unknown) => caught);
    expect(isKlogError(error, 'PARTITION_NOT_FOUND')).toBe(true);
    expect((error as KlogError).message).toMatch(/has 2 partitions/);

    await context.backend.createPartitions(topic, 3);
    const [result] = await producer.send({ topic, messages: [{ value: 'now', partition: 2 }] });
    await producer.disconnect();
    expect(result?.partition).toBe(2);
    expect(values(await readAll(topic, 2))).toEqual(['now']);
  });

  it('rejects malformed messages with INVALID_ARGUMENT and keeps working', async () => {
    const { context, createTopic, readAll } = await open('memory');
    const topic = topicName('malformed');
    await createTopic(topic);
    const producer = new Producer(context);
    const bad = [
      { value: undefined },
      { value: 42 },
      { value: 'x', timestamp: 'yesterday' },
      { value: 'x', partition: -1 },
      { value: 'x', headers: 'h' },
    ] as unknown as { value: string }[];
    for (const message of bad) {
      const error = await producer.send({ topic, messages: [message] }).catch((caught: unknown) => caught);
      expect(isKlogError(error, 'INVALID_ARGUMENT'), JSON.stringify(message)).toBe(true);
    }
    const wrongCodec = await producer
      .send({ topic, messages: [{ value: 'x' }], compression: 'zstd' as 'gzip' })
      .catch((caught: unknown) => caught);
    expect(isKlogError(wrongCodec, 'INVALID_ARGUMENT')).toBe(true);
    await producer.send({ topic, messages: [{ value: 'fine' }] });
    await producer.disconnect();
    expect(values(await readAll(topic, 0))).toEqual(['fine']);
  });

  it('rejects sends to a deleted topic, and disconnect names what it could not deliver', async () => {
    const { context, createTopic } = await open('memory');
    const topic = topicName('deleted');
    await createTopic(topic);
    const producer = new Producer(context, { lingerMs: 600_000, allowAutoTopicCreation: false });
    const before = producer.send({ topic, messages: [{ value: 'before' }] });
    await producer.flush();
    await before;
    const pending = producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    while (producer.bufferedBytes === 0) await new Promise((resolve) => setImmediate(resolve));
    await context.backend.deleteTopic(topic);

    const disconnected = await producer.disconnect().catch((caught: unknown) => caught);
    expect(isKlogError(disconnected, 'TOPIC_DELETED')).toBe(true);
    expect((disconnected as KlogError).message).toContain(`${topic}/0 (3 records)`);
    const rejected = await pending.catch((caught: unknown) => caught);
    expect(isKlogError(rejected, 'TOPIC_DELETED')).toBe(true);

    await producer.connect();
    const afterwards = await producer.send({ topic, messages: [{ value: 'd' }] }).catch((caught: unknown) => caught);
    expect(isKlogError(afterwards, 'TOPIC_NOT_FOUND')).toBe(true);
    await producer.disconnect();
  });
});

describe('Producer configuration', () => {
  it('rejects options out of range at construction', async () => {
    const { context } = await open('memory');
    const attempts: unknown[] = [
      { lingerMs: -1 },
      { batchMaxBytes: 0 },
      { batchMaxBytes: 64 * 1024 * 1024 },
      { bufferMaxBytes: Number.NaN },
      { compression: 'lz4' },
    ];
    for (const config of attempts) {
      expect(() => new Producer(context, config as ConstructorParameters<typeof Producer>[1])).toThrow(KlogError);
    }
  });

  it('uses a custom partitioner, as kafkajs createPartitioner', async () => {
    const { context, createTopic, readAll } = await open('memory');
    const topic = topicName('custom');
    await createTopic(topic, { partitions: 3 });
    const producer = new Producer(context, {
      createPartitioner:
        () =>
        ({ partitionMetadata }) =>
          partitionMetadata.length - 1,
    });
    const [result] = await producer.send({ topic, messages: [{ key: '0', value: 'last' }] });
    await producer.disconnect();
    expect(result?.partition).toBe(2);
    expect(values(await readAll(topic, 2))).toEqual(['last']);
  });

  it('works through the Klog client on a file:// URL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'klog-producer-url-'));
    try {
      const klog = new Klog({ url: pathToFileURL(dir).href });
      const topic = topicName('url');
      const producer = klog.producer();
      await producer.connect();
      const [result] = await producer.send({ topic, messages: [{ key: 'k', value: 'through the client' }] });
      await producer.disconnect();
      expect(result?.baseOffset).toBe('0');
      expect(klog.counters().recordsSent).toBe(1);
      await klog.close();

      const store = new FileObjectStore(dir);
      const described = await getTopic(store, topic);
      const read = await new PartitionReader(store, { topic, topicId: described!.topicId, partition: 0 }).read(0n);
      expect(values(read.records)).toEqual(['through the client']);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
