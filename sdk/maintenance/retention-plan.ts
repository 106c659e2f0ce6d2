/**
 * Which segments retention removes (as Kafka's `retention.ms` and `retention.bytes`): the oldest segments whose
 * newest record is older than `now - retentionMs`, and the oldest segments beyond `retentionBytes` (a segment goes
 * only if what remains is still at least `retentionBytes`, as in Kafka). Both remove a prefix of the log, so the
 * new log start is a segment boundary: the base offset of the first segment kept. The newest segment is never
 * removed, so an idle partition keeps its end (design brief §5).
 */
import type { TopicConfig } from '../log/topics.js';

export interface RetainedSegment {
  baseOffset: bigint;
  key: string;
  size: number;
}

export type RetentionReason = 'time' | 'bytes';

export interface RetentionPlan {
  /** The new log start, or null when nothing is due. */
  logStartOffset: bigint | null;
  /** How many of the oldest segments fall below the new log start. */
  segments: number;
  /** Which limit removed the most segments; null when nothing is due. */
  reason: RetentionReason | null;
}

/**
 * Plans retention over `segments` (those at or after the log start, in offset order). `maxTimestampOf` gives a
 * segment's newest record time (one range GET of its header), or null when the segment is gone; it is called
 * from the oldest segment on and no further than the first segment that is kept.
 */
export async function planRetention(
  segments: readonly RetainedSegment[],
  config: Pick<TopicConfig, 'retentionMs' | 'retentionBytes'>,
  now: number,
  maxTimestampOf: (segment: RetainedSegment) => Promise<number | null>,
): Promise<RetentionPlan> {
  // The newest segment is never a candidate.
  const candidates = segments.slice(0, -1);
  const byBytes = bytesBeyondLimit(segments, candidates, config.retentionBytes);
  const byTime = await expiredByTime(candidates, config.retentionMs, now, maxTimestampOf);
  const count = Math.max(byBytes, byTime);
  const firstKept = segments[count];
  if (count === 0 || firstKept === undefined) return { logStartOffset: null, segments: 0, reason: null };
  return { logStartOffset: firstKept.baseOffset, segments: count, reason: byTime >= byBytes ? 'time' : 'bytes' };
}

function bytesBeyondLimit(
  segments: readonly RetainedSegment[],
  candidates: readonly RetainedSegment[],
  retentionBytes: number,
): number {
  if (retentionBytes < 0) return 0;
  let remaining = segments.reduce((sum, segment) => sum + segment.size, 0);
  let count = 0;
  for (const segment of candidates) {
    if (remaining - segment.size < retentionBytes) break;
    remaining -= segment.size;
    count++;
  }
  return count;
}

async function expiredByTime(
  candidates: readonly RetainedSegment[],
  retentionMs: number,
  now: number,
  maxTimestampOf: (segment: RetainedSegment) => Promise<number | null>,
): Promise<number> {
  if (retentionMs < 0) return 0;
  const cutoff = now - retentionMs;
  let count = 0;
  for (const segment of candidates) {
    const maxTimestamp = await maxTimestampOf(segment);
    // A segment that vanished was removed by another run; stop and let the next run look again.
    if (maxTimestamp === null || maxTimestamp >= cutoff) break;
    count++;
  }
  return count;
}
