import { describe, expect, it } from 'vitest';
import { type OffsetSpec, parseOffsetSpec, startOffset } from '../../../cli/offset-spec.js';

describe('parseOffsetSpec', () => {
  it("reads kcat's and Kafka's names for the ends", () => {
    expect(parseOffsetSpec('beginning')).toEqual({ kind: 'beginning' });
    expect(parseOffsetSpec('earliest')).toEqual({ kind: 'beginning' });
    expect(parseOffsetSpec('end')).toEqual({ kind: 'end' });
    expect(parseOffsetSpec('latest')).toEqual({ kind: 'end' });
  });

  it('reads N as an absolute offset and -N as N before the end, beyond 2^53 too', () => {
    expect(parseOffsetSpec('42')).toEqual({ kind: 'absolute', offset: 42n });
    expect(parseOffsetSpec('-1')).toEqual({ kind: 'fromEnd', records: 1n });
    expect(parseOffsetSpec('9007199254740993')).toEqual({ kind: 'absolute', offset: 9007199254740993n });
  });

  it('reads @<ms>, kcat s@<ms> and @<ISO date> as a time', () => {
    expect(parseOffsetSpec('@1718000000000')).toEqual({ kind: 'timestamp', timestamp: 1718000000000 });
    expect(parseOffsetSpec('s@5')).toEqual({ kind: 'timestamp', timestamp: 5 });
    expect(parseOffsetSpec('@2025-06-01T00:00:00Z')).toEqual({
      kind: 'timestamp',
      timestamp: Date.UTC(2025, 5, 1),
    });
  });

  it('refuses anything else with INVALID_ARGUMENT and the forms it takes', () => {
    for (const text of ['start', '1.5', '@', '@yesterday', '--1', '']) {
      expect(() => parseOffsetSpec(text)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('beginning, end') }),
      );
    }
  });
});

describe('startOffset', () => {
  const bounds = { partition: 3, low: 10n, high: 20n };
  const start = (spec: OffsetSpec, extra = {}) => startOffset(spec, { ...bounds, ...extra });

  it('starts at the log start or end', () => {
    expect(start({ kind: 'beginning' })).toEqual({ offset: 10n });
    expect(start({ kind: 'end' })).toEqual({ offset: 20n });
  });

  it('counts -N back from the end, no further than the log start', () => {
    expect(start({ kind: 'fromEnd', records: 1n })).toEqual({ offset: 19n });
    expect(start({ kind: 'fromEnd', records: 0n })).toEqual({ offset: 20n });
    expect(start({ kind: 'fromEnd', records: 50n })).toEqual({ offset: 10n });
  });

  it('starts at an absolute offset inside the log, and at the nearest end with a note outside it', () => {
    expect(start({ kind: 'absolute', offset: 15n })).toEqual({ offset: 15n });
    expect(start({ kind: 'absolute', offset: 20n })).toEqual({ offset: 20n });
    expect(start({ kind: 'absolute', offset: 5n })).toEqual({
      offset: 10n,
      note: expect.stringContaining('partition 3 starts at offset 10'),
    });
    expect(start({ kind: 'absolute', offset: 99n })).toEqual({
      offset: 20n,
      note: expect.stringContaining('partition 3 ends at offset 20, before 99'),
    });
  });

  it('starts at the offset found for a time', () => {
    expect(start({ kind: 'timestamp', timestamp: 1 }, { atTimestamp: 12n })).toEqual({ offset: 12n });
    expect(() => start({ kind: 'timestamp', timestamp: 1 })).toThrow('was not looked up');
  });
});
