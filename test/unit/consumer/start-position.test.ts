import { describe, expect, it } from 'vitest';
import type { PartitionReadHandle } from '../../../sdk/backend/backend.js';
import {
  defaultResetPolicy,
  parseSeekOffset,
  resolveStartPosition,
  startFromOptions,
  validateStartOptions,
} from '../../../sdk/consumer/start-position.js';

const handle: PartitionReadHandle = {
  read: async () => ({ records: [], nextOffset: 0n }),
  earliestOffset: async () => 5n,
  latestOffset: async () => 42n,
  offsetForTimestamp: async (timestamp) => (timestamp <= 1_000 ? 17n : null),
};

describe('start positions', () => {
  it('follows fromBeginning and fromTimestamp, and resolves them against the partition', async () => {
    expect(await resolveStartPosition(handle, startFromOptions({ fromBeginning: true }))).toBe(5n);
    expect(await resolveStartPosition(handle, startFromOptions({}))).toBe(42n);
    expect(await resolveStartPosition(handle, startFromOptions({ fromTimestamp: 900, fromBeginning: true }))).toBe(17n);
    expect(await resolveStartPosition(handle, startFromOptions({ fromTimestamp: 2_000 }))).toBe(42n);
    expect(defaultResetPolicy({ fromBeginning: true })).toBe('earliest');
    expect(defaultResetPolicy({})).toBe('latest');
  });

  it("parses seek offsets, with Kafka's -2 (earliest) and -1 (latest)", async () => {
    const where = { topic: 't', partition: 0 };
    expect(parseSeekOffset('12', where)).toEqual({ kind: 'offset', offset: 12n });
    expect(parseSeekOffset('-2', where)).toEqual({ kind: 'earliest' });
    expect(parseSeekOffset('-1', where)).toEqual({ kind: 'latest' });
    for (const bad of ['', '01', '-3', '1.5', 'x', null]) {
      expect(() => parseSeekOffset(bad, where)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('rejects a negative or fractional fromTimestamp', () => {
    expect(() => validateStartOptions({ fromTimestamp: -1 }, 'subscribe')).toThrow(/fromTimestamp/);
    expect(() => validateStartOptions({ fromTimestamp: 1.5 }, 'subscribe')).toThrow(/fromTimestamp/);
    expect(() => validateStartOptions({ fromTimestamp: 0, fromBeginning: false }, 'subscribe')).not.toThrow();
  });
});
