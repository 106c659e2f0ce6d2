import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../sdk/format/segment.js';
import type { TopicDescription } from '../../../sdk/log/topics.js';
import type { Message } from '../../../sdk/producer/message.js';
import { Partitioner, type PartitionerArgs, STICKY } from '../../../sdk/producer/partitioner.js';

function topic(partitions: number): TopicDescription {
  return {
    name: 'orders',
    topicId: `id-${partitions}`,
    partitions,
    config: { retentionMs: -1, retentionBytes: -1, maxMessageBytes: 1024 },
    createdAt: 0,
  };
}

function record(key: string | null): LogRecord {
  return { key: key === null ? null : Buffer.from(key), value: null, headers: [], timestamp: 0 };
}

const message: Message = { value: null };

describe('Partitioner', () => {
  it('puts keyed records where the Java default partitioner does', () => {
    const partitioner = new Partitioner();
    const four = topic(4);
    expect(partitioner.assign(four, message, record('0'), -1, 0)).toBe(971027396 % 4);
    expect(partitioner.assign(four, message, record('1'), -1, 0)).toBe((-1993445489 & 0x7fffffff) % 4);
    expect(partitioner.assign(topic(7), message, record('100:48069'), -1, 0)).toBe(1009543857 % 7);
  });

  it('lets an explicit partition win over the key', () => {
    expect(new Partitioner().assign(topic(4), message, record('0'), 3, 0)).toBe(3);
  });

  it('sticks keyless records to one partition until its batch closes, then moves to another', () => {
    const partitioner = new Partitioner();
    const four = topic(4);
    expect(partitioner.assign(four, message, record(null), -1, 0)).toBe(STICKY);
    const seen = new Set<number>();
    let current = partitioner.sticky(four);
    for (let batch = 0; batch < 50; batch++) {
      expect(partitioner.sticky(four)).toBe(current);
      // Closing another partition's batch does not move keyless records.
      partitioner.batchClosed(four.topicId, (current + 1) % 4);
      expect(partitioner.sticky(four)).toBe(current);
      partitioner.batchClosed(four.topicId, current);
      const next = partitioner.sticky(four);
      expect(next).not.toBe(current);
      expect(next).toBeGreaterThanOrEqual(0);
      expect(next).toBeLessThan(4);
      seen.add(next);
      current = next;
    }
    expect(seen.size).toBeGreaterThan(2);
  });

  it('stays on partition 0 of a one-partition topic', () => {
    const partitioner = new Partitioner();
    const one = topic(1);
    partitioner.batchClosed(one.topicId, partitioner.sticky(one));
    expect(partitioner.sticky(one)).toBe(0);
  });

  it('calls a custom partitioner with kafkajs-shaped arguments, after explicit partitions', () => {
    const calls: PartitionerArgs[] = [];
    const partitioner = new Partitioner(() => (args) => {
      calls.push(args);
      return 2;
    });
    const three = topic(3);
    const keyed: Message = { key: 'k', value: 'v' };
    expect(partitioner.assign(three, keyed, record('k'), -1, 0)).toBe(2);
    expect(partitioner.assign(three, keyed, record('k'), 0, 1)).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.topic).toBe('orders');
    expect(calls[0]?.message).toBe(keyed);
    expect(calls[0]?.partitionMetadata.map((partition) => partition.partitionId)).toEqual([0, 1, 2]);
  });

  it('rejects a custom partitioner result outside the topic', () => {
    const partitioner = new Partitioner(() => () => 5);
    expect(() => partitioner.assign(topic(3), message, record(null), -1, 4)).toThrow(
      /returned 5 for message 4 of topic "orders", which has 3 partitions/,
    );
  });
});
