import { describe, expect, it } from 'vitest';
import { GroupEnd, GroupEndWatch } from '../../../cli/group-end.js';
import type { ConsumedMessage } from '../../../sdk/consumer/consumed-message.js';

function messages(...offsets: number[]): ConsumedMessage[] {
  return offsets.map((offset) => ({ offset: String(offset) }) as ConsumedMessage);
}

/** Partition 0 ends at 5 and starts at 0 without a commit; partition 1 is empty; partition 2 ends at 3. */
function groupEnd(): GroupEnd {
  return new GroupEnd({
    ends: new Map([
      [0, 5n],
      [1, 0n],
      [2, 3n],
    ]),
    starts: new Map([
      [0, 0n],
      [1, 0n],
      [2, 0n],
    ]),
  });
}

describe('GroupEnd', () => {
  it('counts the records before the end as it was at the start', () => {
    const end = groupEnd();
    expect(end.before(0, messages(3, 4, 5, 6))).toBe(2);
    expect(end.before(1, messages(0))).toBe(0);
    expect(end.before(9, messages(0))).toBe(0);
  });

  it('an assigned partition is at its end once printed up to it, or when its committed offset (else start) is', () => {
    const end = groupEnd();
    const none = new Map<number, bigint | null>();
    expect(end.reachedEnd([1], none)).toBe(true);
    expect(end.reachedEnd([0, 1], none)).toBe(false);
    expect(end.reachedEnd([0], new Map([[0, 5n]]))).toBe(true);
    expect(end.reachedEnd([0], new Map([[0, 4n]]))).toBe(false);
    end.printed(0, 3n);
    expect(end.printedToEnd(0)).toBe(false);
    end.printed(0, 4n);
    expect(end.printedToEnd(0)).toBe(true);
    expect(end.unsettled([0, 2])).toEqual([2]);
    expect(end.reachedEnd([0, 2], new Map([[2, null]]))).toBe(false);
    expect(end.reachedEnd([0, 2], new Map([[2, 3n]]))).toBe(true);
  });

  it('a partition without a committed offset starts where the reset policy says', () => {
    const fromEnd = new GroupEnd({ ends: new Map([[0, 5n]]), starts: new Map([[0, 5n]]) });
    expect(fromEnd.reachedEnd([0], new Map([[0, null]]))).toBe(true);
    // A partition created after the start has nothing to read.
    expect(fromEnd.reachedEnd([7], new Map())).toBe(true);
  });
});

describe('GroupEndWatch', () => {
  it('waits until the group assigns partitions, reads committed offsets only while needed, and ends at the end', async () => {
    const end = groupEnd();
    const calls = { assigned: 0, committed: 0 };
    const watch = new GroupEndWatch(
      end,
      {
        assigned: async () => {
          calls.assigned++;
          // Not a member of a stable group yet at the first look; everything printed by the third.
          if (calls.assigned === 1) return null;
          if (calls.assigned === 3) {
            end.printed(0, 4n);
            end.printed(2, 2n);
          }
          return [0, 2];
        },
        committed: async () => {
          calls.committed++;
          return new Map([[2, 1n]]);
        },
      },
      1,
    );
    expect(await watch.run()).toBe(true);
    expect(calls).toEqual({ assigned: 3, committed: 1 });
  });

  it('resolves false when stopped before the end', async () => {
    const watch = new GroupEndWatch(
      groupEnd(),
      { assigned: async () => null, committed: async () => new Map() },
      60_000,
    );
    const ran = watch.run();
    watch.stop();
    expect(await ran).toBe(false);
  });
});
