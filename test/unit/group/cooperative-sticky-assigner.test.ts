import { describe, expect, it } from 'vitest';
import { cooperativeStickyAssigner } from '../../../sdk/group/cooperative-sticky-assigner.js';
import { coversOnce, flat, input, member } from './assigner-fixtures.js';

const sticky = cooperativeStickyAssigner;

function moved(before: Record<string, string[]>, after: Record<string, string[]>): number {
  let count = 0;
  for (const [key, list] of Object.entries(after)) for (const tp of list) if (!before[key]?.includes(tp)) count++;
  return count;
}

describe('cooperativeStickyAssigner', () => {
  const four = ['a', 'b', 'c', 'd'].map((key) => member(key, ['t']));

  it('balances a first assignment', () => {
    const result = flat(sticky.assign(input(four, { t: 12 })));
    expect(Object.values(result).map((list) => list.length)).toEqual([3, 3, 3, 3]);
    expect(coversOnce(sticky, input(four, { t: 12 }))).toEqual([]);
  });

  it('returns the previous target unchanged when nothing changed, so the leader’s plan converges', () => {
    const first = flat(sticky.assign(input(four, { t: 12 })));
    expect(flat(sticky.assign(input(four, { t: 12 }, first)))).toEqual(first);
  });

  it('moves only as many partitions as balance needs when a fifth member joins', () => {
    const before = flat(sticky.assign(input(four, { t: 12 })));
    const five = [...four, member('e', ['t'])];
    const after = flat(sticky.assign(input(five, { t: 12 }, before)));
    const sizes = Object.values(after).map((list) => list.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // 12 over 5 members: the newcomer needs 2; nothing else should move.
    expect(moved(before, after)).toBe(after.e!.length);
    expect(after.e).toHaveLength(2);
  });

  it('moves only the leaving member’s partitions when one leaves', () => {
    const before = flat(sticky.assign(input(four, { t: 12 })));
    const after = flat(sticky.assign(input(four.slice(1), { t: 12 }, before)));
    expect(moved(before, after)).toBe(before.a!.length);
    expect(Object.values(after).map((list) => list.length)).toEqual([4, 4, 4]);
  });

  it('drops previous partitions that no longer exist or whose topic the member left', () => {
    const data = input([member('a', ['x']), member('b', ['x', 'y'])], { x: 2, y: 2 }, { a: ['x/0', 'x/5', 'y/0'] });
    expect(coversOnce(sticky, data)).toEqual([]);
    expect(flat(sticky.assign(data)).a).toContain('x/0');
    expect(flat(sticky.assign(data)).a).not.toContain('y/0');
  });

  it('never gives a partition twice even if the previous target did', () => {
    const data = input([member('a', ['t']), member('b', ['t'])], { t: 2 }, { a: ['t/0'], b: ['t/0'] });
    expect(coversOnce(sticky, data)).toEqual([]);
  });

  it('balances members with different subscriptions as far as their topics allow', () => {
    const data = input([member('a', ['x']), member('b', ['x', 'y']), member('c', ['y'])], { x: 4, y: 4 });
    expect(coversOnce(sticky, data)).toEqual([]);
    const sizes = Object.values(flat(sticky.assign(data))).map((list) => list.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});
