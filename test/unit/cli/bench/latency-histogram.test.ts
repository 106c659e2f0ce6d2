import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../../cli/bench/latency-histogram.js';

/** Nearest-rank percentile of the raw samples: what the histogram approximates. */
function exactPercentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1] ?? Number.NaN;
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.record(value);
  return histogram;
}

describe('LatencyHistogram', () => {
  it('gives p50, p99 and p999 of 1..1000 ms by nearest rank, whatever the order of recording', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const summary = histogramOf(values).summary();
    expect(summary.samples).toBe(1000);
    expect(summary.p50Ms).toBeCloseTo(500, 0);
    expect(summary.p99Ms).toBeCloseTo(990, 0);
    expect(summary.p999Ms).toBeCloseTo(999, 0);
    expect(summary.maxMs).toBe(1000);
  });

  it('keeps values below 2 ms exact to the microsecond', () => {
    const histogram = histogramOf([0.25, 1.75, 0.5, 0.001, 2.047]);
    expect(histogram.percentile(0.2)).toBe(0.001);
    expect(histogram.percentile(0.5)).toBe(0.5);
    expect(histogram.percentile(0.8)).toBe(1.75);
    expect(histogram.percentile(1)).toBe(2.047);
  });

  it('stays within 0.05 % of the exact percentiles over six orders of magnitude', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Log-uniform from 10 µs to 10 s, rounded to the microsecond as the histogram records them.
    const values = Array.from({ length: 20_000 }, () => Math.round(10 ** (random() * 6 - 2) * 1000) / 1000);
    const histogram = histogramOf(values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const fraction of [0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 1]) {
      const exact = exactPercentile(sorted, fraction);
      expect(Math.abs(histogram.percentile(fraction) - exact)).toBeLessThanOrEqual(exact * 0.0005);
    }
  });

  it('gives every percentile as the single sample, and nothing without samples', () => {
    const single = histogramOf([42.5]).summary();
    expect(single).toEqual({ samples: 1, p50Ms: 42.5, p99Ms: 42.5, p999Ms: 42.5, maxMs: 42.5 });
    const empty = new LatencyHistogram();
    expect(empty.summary()).toEqual({ samples: 0, p50Ms: null, p99Ms: null, p999Ms: null, maxMs: null });
    expect(empty.percentile(0.5)).toBeNaN();
  });

  it('counts negative latencies as 0 and keeps an hours-long maximum exact', () => {
    const tenHours = 10 * 60 * 60 * 1000;
    const histogram = histogramOf([-1, tenHours]);
    expect(histogram.count).toBe(2);
    expect(histogram.percentile(0.5)).toBe(0);
    expect(histogram.percentile(1)).toBe(tenHours);
    expect(histogram.summary().maxMs).toBe(tenHours);
  });
});
