import { describe, expect, it } from 'vitest';
import { planRetention, type RetainedSegment } from '../../../sdk/maintenance/retention-plan.js';

function segments(sizes: number[]): RetainedSegment[] {
  return sizes.map((size, index) => ({ baseOffset: BigInt(index * 10), key: `s${index}`, size }));
}

const never = async () => {
  throw new Error('time retention is off: no header may be read');
};

describe('planRetention', () => {
  it('by bytes removes the oldest segments only while at least retentionBytes remain', async () => {
    const plan = await planRetention(
      segments([100, 100, 100, 100]),
      { retentionMs: -1, retentionBytes: 250 },
      0,
      never,
    );
    expect(plan).toEqual({ logStartOffset: 10n, segments: 1, reason: 'bytes' });
  });

  it('by time stops at the first segment that is still retained, reading no further', async () => {
    const times = [1, 50, 2, 3];
    const read: string[] = [];
    const plan = await planRetention(segments([1, 1, 1, 1]), { retentionMs: 10, retentionBytes: -1 }, 20, async (s) => {
      read.push(s.key);
      return times[Number(s.key.slice(1))] ?? null;
    });
    expect(plan).toEqual({ logStartOffset: 10n, segments: 1, reason: 'time' });
    expect(read).toEqual(['s0', 's1']);
  });

  it('takes the larger of the two and never the newest segment', async () => {
    const plan = await planRetention(segments([5, 5, 5]), { retentionMs: 0, retentionBytes: 0 }, 100, async () => 1);
    expect(plan).toEqual({ logStartOffset: 20n, segments: 2, reason: 'time' });
  });

  it('plans nothing for a partition with one segment or none', async () => {
    const config = { retentionMs: 0, retentionBytes: 0 };
    expect((await planRetention(segments([5]), config, 100, async () => 1)).logStartOffset).toBeNull();
    expect((await planRetention([], config, 100, async () => 1)).logStartOffset).toBeNull();
  });
});
