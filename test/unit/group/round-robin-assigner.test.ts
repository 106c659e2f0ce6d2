import { describe, expect, it } from 'vitest';
import { roundRobinAssigner } from '../../../sdk/group/round-robin-assigner.js';
import { coversOnce, flat, input, member } from './assigner-fixtures.js';

describe('roundRobinAssigner', () => {
  it('deals all partitions in (topic, partition) order to the members in turn', () => {
    const data = input([member('a', ['x', 'y']), member('b', ['x', 'y'])], { x: 3, y: 2 });
    expect(flat(roundRobinAssigner.assign(data))).toEqual({ a: ['x/0', 'x/2', 'y/1'], b: ['x/1', 'y/0'] });
  });

  it('skips members that do not subscribe to a partition’s topic', () => {
    const data = input([member('a', ['x']), member('b', ['x', 'y']), member('c', ['y'])], { x: 2, y: 4 });
    expect(coversOnce(roundRobinAssigner, data)).toEqual([]);
    const result = flat(roundRobinAssigner.assign(data));
    expect(result.a!.every((tp) => tp.startsWith('x/'))).toBe(true);
    expect(result.c!.every((tp) => tp.startsWith('y/'))).toBe(true);
  });

  it('balances 12 partitions over 4 members, 3 each', () => {
    const members = ['a', 'b', 'c', 'd'].map((key) => member(key, ['t']));
    const result = flat(roundRobinAssigner.assign(input(members, { t: 12 })));
    expect(Object.values(result).map((list) => list.length)).toEqual([3, 3, 3, 3]);
  });

  it('returns an empty result when there are no members', () => {
    expect(flat(roundRobinAssigner.assign(input([], { t: 3 })))).toEqual({});
  });
});
