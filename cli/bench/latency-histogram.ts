/**
 * Latency percentiles for `klog bench` in bounded memory, whatever the number of samples: a log-linear
 * histogram of microseconds (in the manner of HdrHistogram). Values below 2,048 µs are kept exactly; above,
 * each power of two is split into 1,024 buckets, so a reported percentile is within 0.05 % of the recorded
 * value it stands for. A run of a billion sends costs the same few kilobytes as a run of ten.
 */

/** Values below this many microseconds have a bucket each. */
const EXACT_BELOW_MICROS = 2048;
/** Buckets per power of two above the exact range. */
const BUCKETS_PER_OCTAVE = 1024;
/** Larger values (about 35 minutes) share the last bucket; the maximum is still kept exactly. */
const LARGEST_TRACKED_MICROS = 2 ** 31 - 1;

export interface LatencySummary {
  samples: number;
  /** Null when nothing was recorded. */
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  maxMs: number | null;
}

export class LatencyHistogram {
  /** Octave 0 holds the exact range; octave g ≥ 1 holds [2^(10+g), 2^(11+g)) µs in buckets 2^g µs wide. */
  private readonly octaves: (Uint32Array | undefined)[] = [];
  private samples = 0;
  private minMicros = Number.POSITIVE_INFINITY;
  private maxMicros = 0;

  get count(): number {
    return this.samples;
  }

  /** Records one latency in milliseconds (fractions allowed; negative values count as 0). */
  record(milliseconds: number): void {
    const exact = Math.max(0, Math.round(milliseconds * 1000));
    const micros = Math.min(LARGEST_TRACKED_MICROS, exact);
    const octave = micros < EXACT_BELOW_MICROS ? 0 : 32 - Math.clz32(micros) - 11;
    const index = octave === 0 ? micros : (micros >>> octave) - BUCKETS_PER_OCTAVE;
    let buckets = this.octaves[octave];
    if (buckets === undefined) {
      buckets = new Uint32Array(octave === 0 ? EXACT_BELOW_MICROS : BUCKETS_PER_OCTAVE);
      this.octaves[octave] = buckets;
    }
    buckets[index] = (buckets[index] ?? 0) + 1;
    this.samples++;
    if (exact < this.minMicros) this.minMicros = exact;
    if (exact > this.maxMicros) this.maxMicros = exact;
  }

  /**
   * The latency in milliseconds at `fraction` (0.99 for p99) by the nearest-rank method: the smallest recorded
   * value that at least that fraction of the samples does not exceed. NaN when nothing was recorded.
   */
  percentile(fraction: number): number {
    if (this.samples === 0) return Number.NaN;
    const rank = Math.min(this.samples, Math.max(1, Math.ceil(fraction * this.samples)));
    if (rank === this.samples) return this.maxMicros / 1000;
    let seen = 0;
    for (const [octave, buckets] of this.octaves.entries()) {
      if (buckets === undefined) continue;
      for (let index = 0; index < buckets.length; index++) {
        seen += buckets[index] ?? 0;
        if (seen >= rank) return this.bucketValue(octave, index) / 1000;
      }
    }
    return this.maxMicros / 1000;
  }

  summary(): LatencySummary {
    const at = (fraction: number) => (this.samples === 0 ? null : this.percentile(fraction));
    return {
      samples: this.samples,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      p999Ms: at(0.999),
      maxMs: this.samples === 0 ? null : this.maxMicros / 1000,
    };
  }

  /** The middle of a bucket, kept within the recorded range (a bucket holding one value gives that value). */
  private bucketValue(octave: number, index: number): number {
    if (octave === 0) return index;
    const width = 2 ** octave;
    const middle = (index + BUCKETS_PER_OCTAVE) * width + (width - 1) / 2;
    return Math.min(this.maxMicros, Math.max(this.minMicros, middle));
  }
}
