/**
 * Which segments compaction merges (design brief §3: "compaction" merges small segments; key-based compaction is a
 * later feature). Given the sealed segments a run is about to index, in offset order, it groups runs of
 * consecutive segments smaller than the target size into one `data/<base>-<end>.seg` each, of at most the target
 * size; every other segment stays as it is. Pure: the same input always gives the same groups, so a run that
 * repeats a stalled run's work creates the same keys.
 */

export interface SealedSegment {
  baseOffset: bigint;
  endOffset: bigint;
  key: string;
  size: number;
}

export type CompactionGroup =
  /** A segment listed in the index as it is (large enough already, or with no small neighbour). */
  | { kind: 'keep'; segment: SealedSegment }
  /** Consecutive small segments copied into one data segment covering [baseOffset, endOffset). */
  | { kind: 'merge'; baseOffset: bigint; endOffset: bigint; segments: SealedSegment[]; bytes: number };

/**
 * Groups `sealed` (contiguous, in offset order; never the partition's newest segment) for compaction. Segments
 * below `logStartOffset` are left out altogether: retention is removing them. The sum of the originals' sizes
 * bounds the merged size (a merged segment has one fixed header instead of one per original).
 */
export function planCompaction(
  sealed: readonly SealedSegment[],
  targetBytes: number,
  logStartOffset: bigint,
): CompactionGroup[] {
  const groups: CompactionGroup[] = [];
  let run: SealedSegment[] = [];
  let runBytes = 0;
  const closeRun = () => {
    const [first] = run;
    const last = run.at(-1);
    if (first !== undefined && last !== undefined) {
      groups.push(
        run.length === 1
          ? { kind: 'keep', segment: first }
          : { kind: 'merge', baseOffset: first.baseOffset, endOffset: last.endOffset, segments: run, bytes: runBytes },
      );
    }
    run = [];
    runBytes = 0;
  };
  for (const segment of sealed) {
    if (segment.baseOffset < logStartOffset) continue;
    if (segment.size >= targetBytes) {
      closeRun();
      groups.push({ kind: 'keep', segment });
      continue;
    }
    if (runBytes + segment.size > targetBytes) closeRun();
    run.push(segment);
    runBytes += segment.size;
  }
  closeRun();
  return groups;
}
