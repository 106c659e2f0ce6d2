import { describe, expect, it } from 'vitest';
import { toConsumedMessage } from '../../../sdk/consumer/consumed-message.js';

describe('toConsumedMessage', () => {
  it('turns a stored record into a kafkajs message: Buffers, string offsets and timestamps, header arrays', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const message = toConsumedMessage(
      {
        offset: 12345678901234567n,
        timestamp: 1_700_000_000_123,
        key: null,
        value: bytes,
        headers: [
          { key: 'trace', value: Buffer.from('a') },
          { key: 'tag', value: Buffer.from('x') },
          { key: 'tag', value: null },
          { key: 'tag', value: Buffer.from('z') },
        ],
      },
      9,
    );
    expect(message).toEqual({
      key: null,
      value: Buffer.from([1, 2, 3]),
      headers: { trace: Buffer.from('a'), tag: [Buffer.from('x'), Buffer.alloc(0), Buffer.from('z')] },
      timestamp: '1700000000123',
      offset: '12345678901234567',
      attributes: 0,
      size: 9,
    });
    expect(Buffer.isBuffer(message.value)).toBe(true);
    // A view, not a copy.
    expect(message.value!.buffer).toBe(bytes.buffer);
  });

  it('keeps header keys that collide with Object properties as plain headers', () => {
    const message = toConsumedMessage(
      {
        offset: 0n,
        timestamp: 0,
        key: null,
        value: null,
        headers: [
          { key: 'constructor', value: Buffer.from('c') },
          { key: '__proto__', value: Buffer.from('p') },
        ],
      },
      0,
    );
    expect(Object.keys(message.headers)).toEqual(['constructor', '__proto__']);
    expect(message.headers.constructor).toEqual(Buffer.from('c'));
    expect(Object.getPrototypeOf(message.headers)).toBe(Object.prototype);
  });
});
