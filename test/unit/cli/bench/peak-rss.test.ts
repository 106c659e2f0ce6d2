import { describe, expect, it } from 'vitest';
import { PeakRss } from '../../../../cli/bench/peak-rss.js';

describe('PeakRss', () => {
  it('keeps the largest RSS sampled, which stays above memory touched while it ran', () => {
    const peak = new PeakRss(10);
    peak.start();
    const touched = Buffer.alloc(64 * 1024 * 1024, 1);
    const during = process.memoryUsage.rss();
    peak.sample();
    const result = peak.stop();
    expect(touched.length).toBeGreaterThan(0);
    expect(result).toBeGreaterThanOrEqual(during);
    expect(peak.peakBytes).toBe(result);
  });
});
