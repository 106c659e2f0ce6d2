import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from '../../../sdk/producer/murmur2.js';

/** Java Kafka's hashes (the vectors kafkajs tests against), covering every remainder of the length mod 4. */
const JAVA_HASHES: Readonly<Record<string, number>> = {
  '': 275646681,
  '0': 971027396,
  '1': -1993445489,
  '128': -326012175,
  '2187': -1508407203,
  '16384': -325739742,
  '78125': -1654490814,
  '279936': 1462227128,
  '823543': -2014198330,
  '2097152': 607668903,
  '4782969': -1182699775,
  '10000000': -1830336757,
  '100:48069': 1009543857,
};

describe('murmur2', () => {
  it("matches Java Kafka's murmur2 for the known vectors", () => {
    for (const [key, expected] of Object.entries(JAVA_HASHES)) {
      expect(murmur2(Buffer.from(key)), key).toBe(expected);
    }
  });

  it('clears only the sign bit to make a hash positive', () => {
    expect(toPositive(-1993445489)).toBe(-1993445489 & 0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(971027396)).toBe(971027396);
  });

  it('maps keys to partitions as the Java default partitioner does', () => {
    expect(partitionForKey(Buffer.from('0'), 4)).toBe(971027396 % 4);
    expect(partitionForKey(Buffer.from('1'), 4)).toBe((-1993445489 & 0x7fffffff) % 4);
    expect(partitionForKey(Buffer.from('100:48069'), 10)).toBe(1009543857 % 10);
  });
});
