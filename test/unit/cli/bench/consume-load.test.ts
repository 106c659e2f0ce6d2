import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consumeLoad } from '../../../../cli/bench/consume-load.js';
import { Klog } from '../../../../sdk/client/klog.js';

const value = Buffer.alloc(50, 7);

async function produce(klog: Klog, perPartition: number): Promise<void> {
  const producer = klog.producer();
  const messages = [0, 1, 2].flatMap((partition) => Array.from({ length: perPartition }, () => ({ value, partition })));
  await producer.send({ topic: 'bench', messages });
  await producer.disconnect();
}

async function endOffsets(klog: Klog): Promise<Map<number, number>> {
  const offsets = await klog.admin().fetchTopicOffsets('bench');
  return new Map(offsets.map(({ partition, high }) => [partition, Number(high)]));
}

describe('consumeLoad on the memory store', () => {
  let klog: Klog;
  beforeEach(async () => {
    klog = new Klog({ url: 'memory://' });
    await klog.admin().createTopics({ topics: [{ topic: 'bench', numPartitions: 3 }] });
  });
  afterEach(() => klog.close());

  const options = { topic: 'bench', fromBeginning: true, consumer: {} };

  it('reads up to the end offsets it was given, not the records produced since', async () => {
    await produce(klog, 400);
    const ends = await endOffsets(klog);
    await produce(klog, 100);
    const result = await consumeLoad(klog, { ...options, endOffsets: ends });
    expect(result).toMatchObject({ records: 1_200, bytes: 1_200 * 50 });
  });

  it('stops at exactly the requested number of records', async () => {
    await produce(klog, 400);
    const progress = { records: 0, bytes: 0 };
    const result = await consumeLoad(klog, { ...options, records: 777 }, progress);
    expect(result).toMatchObject({ records: 777, bytes: 777 * 50 });
    expect(progress.records).toBe(777);
  });

  it('returns at once when there is nothing to read', async () => {
    const result = await consumeLoad(klog, { ...options, endOffsets: new Map() });
    expect(result).toEqual({ records: 0, bytes: 0, seconds: 0 });
  });

  it('waits for records produced after the start when it starts at the end', async () => {
    await produce(klog, 100);
    let done = false;
    const reading = consumeLoad(klog, { ...options, fromBeginning: false, records: 150 }).finally(() => {
      done = true;
    });
    // Keep producing: the consumer's start ("latest") is fixed at some moment after the call.
    while (!done) {
      await produce(klog, 20);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await reading).toMatchObject({ records: 150, bytes: 150 * 50 });
  });
});
