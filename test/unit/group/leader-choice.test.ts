import { describe, expect, it } from 'vitest';
import { aheadOf, presumedLeader, watchedMembers } from '../../../sdk/group/leader-choice.js';

function state(leader: string, members: string[]) {
  return {
    leader,
    members: members.map((instanceId) => ({ instanceId, memberId: instanceId, clientId: 'c', topics: [] })),
  };
}

const none = () => false;

describe('leader choice', () => {
  it('follows the state’s leader while it is not seen gone, even when a smaller member joins', () => {
    expect(presumedLeader(state('c', ['b', 'c']), 'a', none)).toBe('c');
    expect(watchedMembers(state('c', ['b', 'c']), 'a', none)).toEqual(['c']);
  });

  it('moves to the smallest member not seen gone once the leader is gone', () => {
    const gone = (id: string) => id === 'c';
    expect(presumedLeader(state('c', ['b', 'c', 'd']), 'd', gone)).toBe('b');
    expect(presumedLeader(state('c', ['b', 'c', 'd']), 'b', gone)).toBe('b');
    expect(watchedMembers(state('c', ['b', 'c', 'd']), 'd', gone)).toEqual(['c', 'b']);
  });

  it('lets a new member lead when every member of the state is gone', () => {
    const gone = (id: string) => id !== 'z';
    expect(presumedLeader(state('c', ['b', 'c']), 'z', gone)).toBe('z');
    expect(aheadOf(state('c', ['b', 'c']), 'z')).toEqual(['c', 'b']);
  });

  it('has nothing to watch or take over for the leader itself', () => {
    expect(presumedLeader(state('a', ['a', 'b']), 'a', () => true)).toBe('a');
    expect(watchedMembers(state('a', ['a', 'b']), 'a', none)).toEqual([]);
    expect(aheadOf(state('a', ['a', 'b']), 'a')).toEqual([]);
  });
});
