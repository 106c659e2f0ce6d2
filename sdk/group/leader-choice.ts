/**
 * Who leads the group, as one member sees it (docs/consumer-groups.md §3). The state names the leader, and a
 * member follows it until it has seen that leader gone; then the leader is the smallest instance id among the
 * state's members and itself that it has not seen gone. Leadership therefore changes only when the leader leaves
 * or expires, and a member that joins never displaces a live leader. Members can disagree for a moment (their
 * observations differ); the state's single etag lets only one of them write.
 */
import type { GroupState } from './group-state.js';

type LeaderView = Pick<GroupState, 'leader' | 'members'>;

export function presumedLeader(state: LeaderView, self: string, isGone: (instanceId: string) => boolean): string {
  if (state.leader === self || !isGone(state.leader)) return state.leader;
  return candidates(state, self).find((instanceId) => instanceId === self || !isGone(instanceId)) ?? self;
}

/**
 * The heartbeats a member that does not lead watches: the leader's, and once the leader is gone, those of every
 * candidate ahead of itself (so that it can tell when its own turn comes).
 */
export function watchedMembers(state: LeaderView, self: string, isGone: (instanceId: string) => boolean): string[] {
  if (state.leader === self) return [];
  if (!isGone(state.leader)) return [state.leader];
  return [state.leader, ...candidates(state, self).filter((id) => id < self && id !== state.leader)];
}

/** Members that must be confirmed gone (tombstoned) before `self` may take the lead from the state's leader. */
export function aheadOf(state: LeaderView, self: string): string[] {
  if (state.leader === self) return [];
  return [state.leader, ...candidates(state, self).filter((id) => id < self && id !== state.leader)];
}

function candidates(state: LeaderView, self: string): string[] {
  return [...new Set([...state.members.map((member) => member.instanceId), self])].sort();
}
