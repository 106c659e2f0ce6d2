import { describe, expect, it } from 'vitest';
import { parseTopicPartitions } from '../../../cli/topic-partitions.js';

describe('parseTopicPartitions', () => {
  it('reads a topic alone as all of its partitions, and topic:0,2 as those partitions', () => {
    expect(parseTopicPartitions('orders')).toEqual({ topic: 'orders' });
    expect(parseTopicPartitions('orders:2,0,2')).toEqual({ topic: 'orders', partitions: [2, 0] });
    expect(parseTopicPartitions('orders.eu:7')).toEqual({ topic: 'orders.eu', partitions: [7] });
  });

  it('refuses a missing topic or a partition list that is not numbers', () => {
    for (const text of [':0', 'orders:', 'orders:a', 'orders:0,', 'orders:-1', 'orders:1:2']) {
      expect(() => parseTopicPartitions(text), text).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('orders:0,2') }),
      );
    }
  });
});
