/**
 * The SDK's main round trip, shared by the memory, filesystem and MinIO tests: 10 topics of 4 partitions,
 * 100,000 keyed records with headers and timestamps sent through one producer and read back through one
 * consumer: byte-identical, in per-partition order, each key in the partition murmur2 gives it.
 */
import { expect } from 'vitest';
import type { Klog } from '../../sdk/client/klog.js';
import { murmur2 } from '../../sdk/producer/murmur2.js';

export interface RoundTripShape {
  topics: number;
  partitions: number;
  records: number;
  messagesPerSend: number;
}

export const fullShape: RoundTripShape = { topics: 10, partitions: 4, records: 100_000, messagesPerSend: 1_000 };

interface Sent {
  key: string;
  value: string;
  header: string;
  timestamp: string;
}

export async function sdkRoundTrip(klog: Klog, shape: RoundTripShape, topicPrefix: string): Promise<void> {
  const admin = klog.admin();
  const topics = Array.from({ length: shape.topics }, (_, index) => `${topicPrefix}-${index}`);
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: shape.partitions })) });

  const producer = klog.producer();
  await producer.connect();
  const sent = new Map<string, Sent[]>();
  const sends: Promise<unknown>[] = [];
  for (let start = 0; start < shape.records; start += shape.messagesPerSend) {
    const topic = topics[(start / shape.messagesPerSend) % topics.length]!;
    const messages = Array.from({ length: Math.min(shape.messagesPerSend, shape.records - start) }, (_, index) => {
      const n = start + index;
      return {
        key: `key-${n % 997}`,
        value: `value-${n}-${'x'.repeat(n % 50)}`,
        headers: { trace: `t-${n}` },
        timestamp: String(1_700_000_000_000 + n),
      };
    });
    for (const message of messages) {
      const partition = (murmur2(Buffer.from(message.key)) & 0x7fffffff) % shape.partitions;
      const id = `${topic}/${partition}`;
      const list = sent.get(id) ?? [];
      list.push({
        key: message.key,
        value: message.value,
        header: message.headers.trace,
        timestamp: message.timestamp,
      });
      sent.set(id, list);
    }
    sends.push(producer.send({ topic, messages }));
    if (sends.length >= 8) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  await producer.disconnect();

  const received = new Map<string, Sent[]>();
  let count = 0;
  const consumer = klog.consumer();
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        const id = `${batch.topic}/${batch.partition}`;
        const list = received.get(id) ?? [];
        for (const message of batch.messages) {
          list.push({
            key: message.key!.toString(),
            value: message.value!.toString(),
            header: (message.headers.trace as Buffer).toString(),
            timestamp: message.timestamp,
          });
        }
        received.set(id, list);
        count += batch.messages.length;
        if (count >= shape.records) resolve();
      },
    });
  });
  await done;
  await consumer.disconnect();

  expect(count).toBe(shape.records);
  expect([...received.keys()].sort()).toEqual([...sent.keys()].sort());
  for (const [id, expected] of sent) {
    // Per-partition order and byte-identical keys, values, headers and timestamps.
    expect(received.get(id), `partition ${id} differs`).toEqual(expected);
  }
}
