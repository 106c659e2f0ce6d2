import { describe, expect, it } from 'vitest';
import { FetchBuffer } from '../../../sdk/consumer/fetch-buffer.js';

/** The payload sizes of a read's records. */
function records(sizes: number[]): Uint32Array {
  return Uint32Array.from(sizes);
}

describe('FetchBuffer', () => {
  it('admits records while they fit, measures payload bytes, and remembers the high-water mark', () => {
    const buffer = new FetchBuffer(100);
    buffer.reserve(100);
    expect(buffer.room).toBe(0);
    const first = buffer.admit(100, records([30, 30, 30, 30]));
    expect(first).toMatchObject({ count: 3, bytes: 90, firstLeftOut: 30 });
    expect(buffer.bufferedBytes).toBe(90);
    expect(buffer.room).toBe(10);
    buffer.release(60);
    expect(buffer.bufferedBytes).toBe(30);
    expect(buffer.maxBufferedBytes).toBe(90);
  });

  it('admits only the first `length` sizes when given a length', () => {
    const buffer = new FetchBuffer(100);
    expect(buffer.admit(0, records([10, 20, 30]), 2)).toMatchObject({ count: 2, bytes: 30, firstLeftOut: 0 });
    expect(buffer.bufferedBytes).toBe(30);
  });

  it('admits a single record larger than the bound only when nothing else is buffered', () => {
    const buffer = new FetchBuffer(100);
    buffer.admit(0, records([10]));
    expect(buffer.admit(0, records([500, 5]))).toMatchObject({ count: 0, firstLeftOut: 500 });
    buffer.release(10);
    expect(buffer.admit(0, records([500, 5]))).toMatchObject({ count: 1, bytes: 500, firstLeftOut: 5 });
    expect(buffer.maxBufferedBytes).toBe(500);
  });

  it('gives back reservations of reads that were discarded', () => {
    const buffer = new FetchBuffer(100);
    buffer.reserve(40);
    buffer.reserve(40);
    expect(buffer.room).toBe(20);
    buffer.unreserve(40);
    expect(buffer.room).toBe(60);
    expect(buffer.admit(40, records([]))).toMatchObject({ count: 0, bytes: 0, firstLeftOut: 0 });
    expect(buffer.room).toBe(100);
  });
});
