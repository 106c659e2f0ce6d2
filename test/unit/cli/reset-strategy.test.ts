import { describe, expect, it } from 'vitest';
import { resetStrategy } from '../../../cli/reset-strategy.js';

const now = Date.UTC(2025, 5, 1, 12);

describe('resetStrategy', () => {
  it("maps each of kafka-consumer-groups' strategies to the SDK's reset target", () => {
    expect(resetStrategy({ 'to-earliest': true }, now)).toEqual({ kind: 'target', target: 'earliest' });
    expect(resetStrategy({ 'to-latest': true }, now)).toEqual({ kind: 'target', target: 'latest' });
    expect(resetStrategy({ 'to-current': true }, now)).toEqual({ kind: 'current' });
    expect(resetStrategy({ 'to-offset': '9007199254740993' }, now)).toEqual({
      kind: 'target',
      target: { offset: '9007199254740993' },
    });
    expect(resetStrategy({ 'shift-by': -5 }, now)).toEqual({ kind: 'target', target: { shiftBy: -5 } });
    expect(resetStrategy({ 'to-datetime': '2025-06-01T00:00:00Z' }, now)).toEqual({
      kind: 'target',
      target: { timestamp: Date.UTC(2025, 5, 1) },
    });
    expect(resetStrategy({ 'to-datetime': '1718000000000' }, now)).toEqual({
      kind: 'target',
      target: { timestamp: 1718000000000 },
    });
  });

  it('--by-duration counts back from now', () => {
    expect(resetStrategy({ 'by-duration': 'PT1H' }, now)).toEqual({
      kind: 'target',
      target: { timestamp: now - 3_600_000 },
    });
    expect(resetStrategy({ 'by-duration': '2d' }, now)).toEqual({
      kind: 'target',
      target: { timestamp: now - 172_800_000 },
    });
  });

  it('ignores boolean strategies set to false, and refuses none or several', () => {
    expect(resetStrategy({ 'to-earliest': false, 'to-latest': true }, now)).toEqual({
      kind: 'target',
      target: 'latest',
    });
    expect(() => resetStrategy({}, now)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => resetStrategy({ 'to-earliest': true, 'shift-by': 1 }, now)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('--to-earliest and --shift-by') }),
    );
  });

  it('refuses a malformed offset or time, naming the flag', () => {
    expect(() => resetStrategy({ 'to-offset': '-3' }, now)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('--to-offset') }),
    );
    expect(() => resetStrategy({ 'to-datetime': 'yesterday' }, now)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('--to-datetime') }),
    );
  });
});
