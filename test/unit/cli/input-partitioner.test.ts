import { describe, expect, it } from 'vitest';
import { InputPartitioner } from '../../../cli/input-partitioner.js';
import { partitionForKey } from '../../../sdk/producer/murmur2.js';

/** Math.random stand-in returning the given values in turn. */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length]!;
}

describe('InputPartitioner', () => {
  it('sends every record to --partition when it is given', () => {
    const partitioner = new InputPartitioner(2);
    partitioner.nextChunk(4);
    expect(partitioner.partitionFor(Buffer.from('k'), 4)).toBe(2);
    expect(partitioner.partitionFor(null, 4)).toBe(2);
  });

  it("puts a keyed record where Kafka's default partitioner would", () => {
    const partitioner = new InputPartitioner(undefined);
    partitioner.nextChunk(6);
    for (const key of ['0', '1', '100:48069', '']) {
      expect(partitioner.partitionFor(Buffer.from(key), 6)).toBe(partitionForKey(Buffer.from(key), 6));
    }
  });

  it('keeps the keyless records of one chunk together and moves the next chunk to another partition', () => {
    const partitioner = new InputPartitioner(undefined, sequence(0.5, 0.9, 0.1));
    partitioner.nextChunk(4);
    const first = [1, 2, 3].map(() => partitioner.partitionFor(null, 4));
    expect(first).toEqual([2, 2, 2]);
    partitioner.nextChunk(4);
    const second = partitioner.partitionFor(null, 4);
    partitioner.nextChunk(4);
    const third = partitioner.partitionFor(null, 4);
    expect(second).not.toBe(2);
    expect(third).not.toBe(second);
    expect([second, third].every((partition) => partition >= 0 && partition < 4)).toBe(true);
  });

  it('uses partition 0 of a one-partition topic, and a partition that still exists when the count shrinks', () => {
    const partitioner = new InputPartitioner(undefined, sequence(0.99));
    partitioner.nextChunk(1);
    expect(partitioner.partitionFor(null, 1)).toBe(0);
    partitioner.nextChunk(1);
    expect(partitioner.partitionFor(null, 1)).toBe(0);
    partitioner.nextChunk(8);
    expect(partitioner.partitionFor(null, 2)).toBeLessThan(2);
  });
});
