/**
 * Which sealed ranges a maintenance run indexes. The segments after the indexed range (listed from
 * max(log start, indexedEndOffset)) except the newest one are sealed: nothing is ever appended to them again.
 * They are indexed once there are at least `minSegments` of them, at most `maxSegments` per index object, so
 * a quiet partition is not indexed segment by segment and no index object grows past one LIST's worth.
 */
import type { SealedSegment } from './compaction-plan.js';

export interface ListedSegment {
  baseOffset: bigint;
  key: string;
  size: number;
}

/**
 * Splits the sealed segments of `listed` (the `log/` segments from `fromOffset` on, in offset order) into the
 * ranges to index, each contiguous with the one before and the first starting at `fromOffset`. Empty when there
 * is nothing to do, or when the first listed segment does not start at `fromOffset` (a state this run does not
 * understand; it leaves the partition alone).
 */
export function planIndexRanges(
  listed: readonly ListedSegment[],
  fromOffset: bigint,
  minSegments: number,
  maxSegments: number,
): SealedSegment[][] {
  if (listed[0]?.baseOffset !== fromOffset) return [];
  // A segment ends where the next begins (offsets are contiguous), so the LIST alone gives every sealed range.
  const sealed: SealedSegment[] = [];
  for (let index = 0; index + 1 < listed.length; index++) {
    const segment = listed[index]!;
    sealed.push({ ...segment, endOffset: listed[index + 1]!.baseOffset });
  }
  const ranges: SealedSegment[][] = [];
  const perIndex = Math.max(1, maxSegments);
  for (let start = 0; sealed.length - start >= Math.max(1, minSegments); start += perIndex) {
    ranges.push(sealed.slice(start, start + perIndex));
  }
  return ranges;
}
