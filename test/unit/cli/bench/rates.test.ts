import { describe, expect, it } from 'vitest';
import { perMegabyte, perSecond, requestsBetween, round } from '../../../../cli/bench/rates.js';

describe('bench rates', () => {
  it('computes rates and requests per megabyte of 1,000,000 bytes, with no ratio over nothing', () => {
    expect(perSecond(500, 2)).toBe(250);
    expect(perSecond(500, 0)).toBe(0);
    expect(perMegabyte(3, 2_000_000)).toBe(1.5);
    expect(perMegabyte(3, 0)).toBeNull();
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(null, 2)).toBeNull();
  });

  it('subtracts two counter snapshots request type by request type', () => {
    const before = { get: 1, head: 2, put: 3, list: 4, delete: 5, bytesRead: 6, bytesWritten: 7 };
    const after = { get: 11, head: 2, put: 13, list: 5, delete: 5, bytesRead: 106, bytesWritten: 1007 };
    expect(requestsBetween(before, after)).toEqual({
      get: 10,
      head: 0,
      put: 10,
      list: 1,
      delete: 0,
      bytesRead: 100,
      bytesWritten: 1000,
    });
  });
});
