import { describe, expect, it } from 'vitest';
import { ConsumeLimits } from '../../../cli/consume-limits.js';
import type { ConsumedMessage } from '../../../sdk/consumer/consumed-message.js';

function messages(...offsets: number[]): ConsumedMessage[] {
  return offsets.map((offset) => ({
    key: null,
    value: null,
    headers: {},
    timestamp: '0',
    offset: String(offset),
    attributes: 0,
    size: 0,
  }));
}

const ranges = (entries: [number, number, number][]) =>
  new Map(entries.map(([partition, start, end]) => [partition, { start: BigInt(start), end: BigInt(end) }]));

describe('ConsumeLimits', () => {
  it('never stops without a count or an end', () => {
    const limits = new ConsumeLimits({});
    expect(limits.take(0, messages(0, 1, 2))).toBe(3);
    expect(limits.done).toBe(false);
  });

  it('stops after --count records across partitions', () => {
    const limits = new ConsumeLimits({ count: 4 });
    expect(limits.take(0, messages(0, 1, 2))).toBe(3);
    expect(limits.done).toBe(false);
    expect(limits.take(1, messages(7, 8))).toBe(1);
    expect(limits.done).toBe(true);
    expect(limits.take(1, messages(9))).toBe(0);
  });

  it('with ends, stops once every partition reached the end it had at the start', () => {
    const limits = new ConsumeLimits({
      ranges: ranges([
        [0, 0, 3],
        [1, 5, 7],
      ]),
    });
    expect(limits.take(0, messages(0, 1))).toBe(2);
    expect(limits.take(1, messages(5, 6))).toBe(2);
    expect(limits.done).toBe(false);
    expect(limits.take(0, messages(2))).toBe(1);
    expect(limits.done).toBe(true);
  });

  it('leaves out records produced after the start, and ignores a partition that reached its end', () => {
    const limits = new ConsumeLimits({
      ranges: ranges([
        [0, 0, 2],
        [1, 0, 5],
      ]),
    });
    expect(limits.take(0, messages(0, 1, 2, 3))).toBe(2);
    expect(limits.take(0, messages(4))).toBe(0);
    expect(limits.done).toBe(false);
  });

  it('is done at once when every partition starts at its end', () => {
    expect(
      new ConsumeLimits({
        ranges: ranges([
          [0, 4, 4],
          [1, 0, 0],
        ]),
      }).done,
    ).toBe(true);
    expect(new ConsumeLimits({ ranges: ranges([]) }).done).toBe(true);
  });

  it('applies both limits together', () => {
    const limits = new ConsumeLimits({ count: 2, ranges: ranges([[0, 0, 10]]) });
    expect(limits.take(0, messages(0, 1, 2))).toBe(2);
    expect(limits.done).toBe(true);
  });
});
