import { describe, expect, it } from 'vitest';
import { ConsumedBatch } from '../../../sdk/consumer/batch.js';
import type { ConsumedMessage } from '../../../sdk/consumer/consumed-message.js';

const message = (offset: number): ConsumedMessage => ({
  key: null,
  value: null,
  headers: {},
  timestamp: '0',
  offset: String(offset),
  attributes: 0,
  size: 0,
});

describe('ConsumedBatch', () => {
  it("describes its messages and lags as kafkajs's batch does", () => {
    const batch = new ConsumedBatch('t', 3, 20n, [message(10), message(11), message(12)]);
    expect(batch.isEmpty()).toBe(false);
    expect(batch.firstOffset()).toBe('10');
    expect(batch.lastOffset()).toBe('12');
    expect(batch.highWatermark).toBe('20');
    expect(batch.offsetLag()).toBe('7');
    expect(batch.offsetLagLow()).toBe('9');
  });

  it('never reports a high watermark below its last message, and handles an empty batch', () => {
    expect(new ConsumedBatch('t', 0, 0n, [message(4)]).highWatermark).toBe('5');
    const empty = new ConsumedBatch('t', 0, 8n, []);
    expect(empty.isEmpty()).toBe(true);
    expect(empty.firstOffset()).toBeNull();
    expect(empty.lastOffset()).toBe('7');
    expect(empty.offsetLag()).toBe('0');
  });
});
