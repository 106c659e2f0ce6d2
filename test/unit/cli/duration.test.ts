import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../cli/duration.js';

describe('parseDuration', () => {
  it("reads ISO 8601 durations of days to seconds, as Kafka's --by-duration", () => {
    expect(parseDuration('PT1H')).toBe(3_600_000);
    expect(parseDuration('P1DT12H')).toBe(129_600_000);
    expect(parseDuration('PT1H30M15S')).toBe(5_415_000);
    expect(parseDuration('PT0.5S')).toBe(500);
    expect(parseDuration('P2D')).toBe(172_800_000);
    expect(parseDuration('pt10m')).toBe(600_000);
  });

  it('reads the short forms people type, alone or combined', () => {
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1m500ms')).toBe(60_500);
  });

  it('refuses months, years, bare designators and anything else with INVALID_ARGUMENT and the forms it takes', () => {
    for (const text of ['P1M', 'P1Y', 'P', 'PT', 'P1DT', '1y', 'h', '10', '-1h', 'one hour', '']) {
      expect(() => parseDuration(text), text).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('PT1H') }),
      );
    }
  });
});
