import { describe, expect, it } from 'vitest';
import { planCompaction, type SealedSegment } from '../../../sdk/maintenance/compaction-plan.js';
import { planIndexRanges } from '../../../sdk/maintenance/index-plan.js';

const listed = (sizes: number[], base = 0n) =>
  sizes.map((size, index) => ({ baseOffset: base + BigInt(index * 10), key: `log/${index}`, size }));

const sealed = (sizes: number[]): SealedSegment[] =>
  sizes.map((size, index) => ({
    baseOffset: BigInt(index * 10),
    endOffset: BigInt(index * 10 + 10),
    key: `log/${index}`,
    size,
  }));

describe('planIndexRanges', () => {
  it('never indexes the newest segment and waits for the minimum', () => {
    expect(planIndexRanges(listed([1, 1, 1]), 0n, 3, 1000)).toEqual([]);
    const [range] = planIndexRanges(listed([1, 1, 1, 1]), 0n, 3, 1000);
    expect(range?.map((segment) => [segment.baseOffset, segment.endOffset])).toEqual([
      [0n, 10n],
      [10n, 20n],
      [20n, 30n],
    ]);
  });

  it('splits into ranges of at most the maximum, leaving a short remainder for later', () => {
    const ranges = planIndexRanges(listed(Array(12).fill(1)), 0n, 2, 5);
    expect(ranges.map((range) => range.length)).toEqual([5, 5]);
    expect(planIndexRanges(listed(Array(13).fill(1)), 0n, 2, 5).map((range) => range.length)).toEqual([5, 5, 2]);
  });

  it('leaves a listing that does not start at the indexed end alone', () => {
    expect(planIndexRanges(listed([1, 1, 1, 1], 10n), 0n, 1, 1000)).toEqual([]);
  });
});

describe('planCompaction', () => {
  it('merges runs of small segments up to the target and keeps large ones', () => {
    const groups = planCompaction(sealed([10, 10, 10, 100, 10, 10, 10]), 25, 0n);
    expect(
      groups.map((group) =>
        group.kind === 'keep' ? `keep ${group.segment.key}` : `merge ${group.baseOffset}-${group.endOffset}`,
      ),
    ).toEqual(['merge 0-20', 'keep log/2', 'keep log/3', 'merge 40-60', 'keep log/6']);
  });

  it('never includes segments below the log start', () => {
    const groups = planCompaction(sealed([1, 1, 1, 1]), 100, 20n);
    expect(groups).toEqual([
      { kind: 'merge', baseOffset: 20n, endOffset: 40n, segments: sealed([1, 1, 1, 1]).slice(2), bytes: 2 },
    ]);
  });
});
