import { describe, expect, it } from 'vitest';
import { rangeAssigner } from '../../../sdk/group/range-assigner.js';
import { coversOnce, flat, input, member } from './assigner-fixtures.js';

describe('rangeAssigner', () => {
  it("gives each member a contiguous range per topic, the first ones one more (Kafka's RangeAssignor)", () => {
    const data = input([member('b', ['t']), member('a', ['t']), member('c', ['t'])], { t: 7 });
    expect(flat(rangeAssigner.assign(data))).toEqual({
      a: ['t/0', 't/1', 't/2'],
      b: ['t/3', 't/4'],
      c: ['t/5', 't/6'],
    });
  });

  it('gives co-partitioned topics the same partition numbers on the same member', () => {
    const result = flat(
      rangeAssigner.assign(input([member('a', ['x', 'y']), member('b', ['x', 'y'])], { x: 4, y: 4 })),
    );
    expect(result).toEqual({ a: ['x/0', 'x/1', 'y/0', 'y/1'], b: ['x/2', 'x/3', 'y/2', 'y/3'] });
  });

  it('orders members by member id, then by instance key', () => {
    const data = input([member('k1', ['t'], 'zed'), member('k2', ['t'], 'amy')], { t: 2 });
    expect(flat(rangeAssigner.assign(data))).toEqual({ k1: ['t/1'], k2: ['t/0'] });
  });

  it('assigns a topic only among its subscribers, and every partition once', () => {
    const data = input([member('a', ['x']), member('b', ['x', 'y']), member('c', [])], { x: 5, y: 3 });
    expect(coversOnce(rangeAssigner, data)).toEqual([]);
    expect(flat(rangeAssigner.assign(data)).c).toEqual([]);
    expect(flat(rangeAssigner.assign(data)).b).toEqual(expect.arrayContaining(['y/0', 'y/1', 'y/2']));
  });

  it('gives nothing to extra members when there are fewer partitions than members', () => {
    const result = flat(rangeAssigner.assign(input([member('a', ['t']), member('b', ['t'])], { t: 1 })));
    expect(result).toEqual({ a: ['t/0'], b: [] });
  });
});
