import { describe, expect, it } from 'vitest';
import { isKlogError, type KlogError } from '../../../sdk/errors.js';
import { explicitPartition, type Message, toLogRecord } from '../../../sdk/producer/message.js';

const NOW = 1_700_000_000_000;

function convert(message: unknown) {
  return toLogRecord(message as Message, NOW, 'orders', 3);
}

function conversionError(message: unknown): KlogError {
  try {
    convert(message);
  } catch (error) {
    if (isKlogError(error)) return error;
    throw error;
  }
  throw new Error('expected the conversion to fail');
}

describe('toLogRecord', () => {
  it('encodes strings as UTF-8 and passes buffers through', () => {
    const value = Buffer.from([1, 2, 3]);
    const record = convert({ key: 'clé', value });
    expect(Buffer.from(record.key!).toString('utf8')).toBe('clé');
    expect(record.value).toBe(value);
    expect(record.timestamp).toBe(NOW);
    expect(record.headers).toEqual([]);
  });

  it('keeps null keys and values, and treats a missing key as null', () => {
    expect(convert({ key: null, value: null })).toMatchObject({ key: null, value: null });
    expect(convert({ value: 'v' }).key).toBeNull();
  });

  it('converts headers, one per array element, skipping undefined ones', () => {
    const record = convert({ value: 'v', headers: { a: 'x', b: [Buffer.from('y'), 'z'], c: undefined } });
    expect(record.headers.map((header) => [header.key, Buffer.from(header.value!).toString()])).toEqual([
      ['a', 'x'],
      ['b', 'y'],
      ['b', 'z'],
    ]);
  });

  it('parses string timestamps of milliseconds', () => {
    expect(convert({ value: 'v', timestamp: '1600000000123' }).timestamp).toBe(1_600_000_000_123);
    expect(convert({ value: 'v', timestamp: '0' }).timestamp).toBe(0);
  });

  it('rejects malformed messages with INVALID_ARGUMENT naming the topic and message', () => {
    const cases: [unknown, RegExp][] = [
      [null, /is null, not an object/],
      [{ key: 'k' }, /has no value/],
      [{ value: 42 }, /value of type number/],
      [{ key: { a: 1 }, value: 'v' }, /key of type object/],
      [{ value: 'v', headers: ['a'] }, /headers of type array/],
      [{ value: 'v', headers: { h: 5 } }, /header "h" of type number/],
      [{ value: 'v', timestamp: 'noon' }, /timestamp "noon"/],
      [{ value: 'v', timestamp: '-5' }, /timestamp "-5"/],
      [{ value: 'v', timestamp: '1.5' }, /timestamp "1.5"/],
    ];
    for (const [message, pattern] of cases) {
      const error = conversionError(message);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/^Message 3 for topic "orders"/);
      expect(error.message).toMatch(pattern);
      expect(error.context).toEqual({ topic: 'orders', messageIndex: 3 });
    }
  });
});

describe('explicitPartition', () => {
  it('returns the partition, or -1 when there is none', () => {
    expect(explicitPartition({ value: 'v', partition: 2 }, 'orders', 0)).toBe(2);
    expect(explicitPartition({ value: 'v' }, 'orders', 0)).toBe(-1);
  });

  it('rejects partitions that are not whole numbers from 0', () => {
    for (const partition of [-1, 1.5, '2', Number.NaN]) {
      expect(() => explicitPartition({ value: 'v', partition } as unknown as Message, 'orders', 0)).toThrow(
        /a partition is an integer/,
      );
    }
  });
});
