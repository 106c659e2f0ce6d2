import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputPartitioner } from '../../../cli/input-partitioner.js';
import { LineSender, type LineSenderOptions } from '../../../cli/line-sender.js';
import { LineSplitter } from '../../../cli/line-splitter.js';
import { type FailureNote, ProduceTally } from '../../../cli/produce-summary.js';
import { lineFormat } from '../../../cli/record-lines.js';
import { Klog } from '../../../sdk/client/klog.js';

const TOPIC = 'lines';

describe('LineSender', () => {
  let klog: Klog;
  let notes: FailureNote[];

  beforeEach(async () => {
    klog = new Klog({ url: 'memory://' });
    notes = [];
    await klog.admin().createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
  });

  afterEach(() => klog.close());

  function sender(producerLingerMs: number, options: Partial<LineSenderOptions> = {}) {
    const tally = new ProduceTally(TOPIC);
    const producer = klog.producer({ lingerMs: producerLingerMs });
    const lineSender = new LineSender(producer, {
      topic: TOPIC,
      format: lineFormat({ parseKey: true, keySeparator: ':' }),
      headers: { source: 'test' },
      partitioner: new InputPartitioner(1),
      partitions: 2,
      refreshPartitions: async () => 2,
      metadataMaxAgeMs: 60_000,
      maxMessageBytes: 20,
      maxInFlightBytes: 1024 * 1024,
      tally,
      onFailure: (note) => notes.push(note),
      ...options,
    });
    return { tally, producer, lineSender };
  }

  function lines(text: string) {
    const splitter = new LineSplitter(30);
    return [...splitter.push(Buffer.from(text)), ...splitter.end()];
  }

  async function readAll(): Promise<{ key: string | null; value: string | null; offset: string }[]> {
    const offsets = await klog.admin().fetchTopicOffsets(TOPIC);
    const end = Number(offsets.find((entry) => entry.partition === 1)!.high);
    const consumer = klog.consumer();
    const seen: { key: string | null; value: string | null; offset: string }[] = [];
    consumer.assign([{ topic: TOPIC, partitions: [1], fromBeginning: true }]);
    await new Promise<void>((resolve, reject) => {
      if (end === 0) resolve();
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push({
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              offset: message.offset,
            });
            if (seen.length === end) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    return seen;
  }

  it('sends good lines in order and skips bad ones as failed, without failing their neighbours', async () => {
    const { tally, producer, lineSender } = sender(1);
    // The headers ("source" + "test" = 10 bytes) count towards the 20-byte limit.
    await lineSender.send(
      lines('a:1\nno separator\nb:2\nc:0123456789\nd:3\nthis line is far too long for the splitter\ne:4'),
    );
    await lineSender.drain();
    await producer.disconnect();
    expect(await readAll()).toEqual([
      { key: 'a', value: '1', offset: '0' },
      { key: 'b', value: '2', offset: '1' },
      { key: 'd', value: '3', offset: '2' },
      { key: 'e', value: '4', offset: '3' },
    ]);
    expect(tally.summary()).toMatchObject({
      records: 4,
      failed: 3,
      partitions: [{ partition: 1, records: 4, firstOffset: '0', lastOffset: '3' }],
    });
    expect(notes.map((note) => [note.line, note.code])).toEqual([
      [2, 'INVALID_ARGUMENT'],
      [4, 'RECORD_TOO_LARGE'],
      [6, 'RECORD_TOO_LARGE'],
    ]);
    expect(lineSender.failedSend).toBeUndefined();
  });

  it('waits for sends to be stored once more than maxInFlightBytes are in flight', async () => {
    const bounded = sender(50, { maxInFlightBytes: 1 });
    await bounded.lineSender.send(lines('a:1\nb:2'));
    // The bound was exceeded, so send() returned only after the records were stored.
    expect(bounded.tally.produced).toBe(2);

    const unbounded = sender(50);
    await unbounded.lineSender.send(lines('c:3'));
    expect(unbounded.tally.produced).toBe(0);
    await unbounded.lineSender.drain();
    expect(unbounded.tally.produced).toBe(1);
    await Promise.all([bounded.producer.disconnect(), unbounded.producer.disconnect()]);
  });

  it('counts the records of a rejected send as failed and remembers the error', async () => {
    const { tally, producer, lineSender } = sender(1, { partitioner: new InputPartitioner(7), partitions: 8 });
    await lineSender.send(lines('a:1\nb:2'));
    await lineSender.drain();
    await producer.disconnect().catch(() => undefined);
    expect(lineSender.failedSend).toMatchObject({ code: 'PARTITION_NOT_FOUND' });
    expect(tally.summary()).toMatchObject({ records: 0, failed: 2 });
    expect(notes).toEqual([expect.objectContaining({ records: 2, code: 'PARTITION_NOT_FOUND' })]);
  });

  it('reads the partition count again once it is older than metadataMaxAgeMs', async () => {
    let refreshed = 0;
    const { producer, lineSender } = sender(1, {
      metadataMaxAgeMs: 0,
      refreshPartitions: async () => {
        refreshed++;
        return 2;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 2));
    await lineSender.send(lines('a:1'));
    await lineSender.drain();
    await producer.disconnect();
    expect(refreshed).toBe(1);
  });
});
