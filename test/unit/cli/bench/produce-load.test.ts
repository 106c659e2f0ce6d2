import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { produceLoad } from '../../../../cli/bench/produce-load.js';
import { Klog } from '../../../../sdk/client/klog.js';
import { isKlogError } from '../../../../sdk/errors.js';

async function storedRecords(klog: Klog, topic: string): Promise<number[]> {
  const offsets = await klog.admin().fetchTopicOffsets(topic);
  return offsets.sort((a, b) => a.partition - b.partition).map(({ high }) => Number(high));
}

const load = { topic: 'bench', recordSize: 20, keyed: false, messagesPerSend: 100, windowBytes: 32 * 1024 };

describe('produceLoad on the memory store', () => {
  let klog: Klog;
  beforeEach(async () => {
    klog = new Klog({ url: 'memory://' });
    await klog.admin().createTopics({ topics: [{ topic: 'bench', numPartitions: 3 }] });
  });
  afterEach(() => klog.close());

  it('stores exactly the requested records, the last send carrying the remainder, one latency per send', async () => {
    const producer = klog.producer({ lingerMs: 1 });
    const result = await produceLoad(producer, { ...load, records: 5_050 });
    await producer.disconnect();
    expect(result.records).toBe(5_050);
    expect(result.latency.count).toBe(51);
    const stored = await storedRecords(klog, 'bench');
    expect(stored.reduce((sum, count) => sum + count, 0)).toBe(5_050);
    expect(klog.counters().bytesSent).toBe(5_050 * 20);
  });

  it('sends keyed records with distinct keys over every partition', async () => {
    const producer = klog.producer({ lingerMs: 1 });
    await produceLoad(producer, { ...load, keyed: true, records: 3_000 });
    await producer.disconnect();
    const stored = await storedRecords(klog, 'bench');
    expect(stored.reduce((sum, count) => sum + count, 0)).toBe(3_000);
    for (const count of stored) expect(count).toBeGreaterThan(500);
  });

  it('sends for a duration, and everything it counts is stored', async () => {
    const producer = klog.producer({ lingerMs: 1 });
    const result = await produceLoad(producer, { ...load, durationMs: 300 });
    await producer.disconnect();
    expect(result.records).toBeGreaterThan(0);
    expect(result.seconds).toBeGreaterThanOrEqual(0.3);
    const stored = await storedRecords(klog, 'bench');
    expect(stored.reduce((sum, count) => sum + count, 0)).toBe(result.records);
  });

  it('holds sends back to the target rate', async () => {
    const producer = klog.producer({ lingerMs: 1 });
    // 500 records at 2,000 records/s: the fifth send of 100 may not start before 200 ms.
    const result = await produceLoad(producer, { ...load, records: 500, recordsPerSecond: 2_000 });
    await producer.disconnect();
    expect(result.records).toBe(500);
    expect(result.seconds).toBeGreaterThanOrEqual(0.2);
  });

  it('fails with the send error, such as a topic that does not exist', async () => {
    const producer = klog.producer({ allowAutoTopicCreation: false });
    const failure = await produceLoad(producer, { ...load, topic: 'missing', records: 1_000 }).catch((e) => e);
    await producer.disconnect().catch(() => undefined);
    expect(isKlogError(failure) && failure.code).toBe('TOPIC_NOT_FOUND');
  });
});
