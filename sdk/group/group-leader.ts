/**
 * The leader's duties, once per heartbeat interval (docs/consumer-groups.md §3, §4): LIST the heartbeats, GET each
 * one, tombstone the expired ones (and members that have not completed a generation's revocations within the
 * rebalance timeout), take the lead when the state names a leader that is gone, and write the next state when the
 * plan differs from the current one. It keeps what it learns between checks (topic metadata, when a generation
 * became current, the live members last seen); a member that stops leading drops this object.
 */
import type { GroupStorage } from '../backend/backend.js';
import type { Logger } from '../client/logger.js';
import type { TopicDescription } from '../log/topics.js';
import { memberKey, membersPrefix, parseMemberKey } from '../store/keys.js';
import { sameAssignments } from './assigned-partitions.js';
import { hasCompleted, type Plan, planAssignment, type TopicMetadata } from './assignment-plan.js';
import type { GroupState } from './group-state.js';
import { type VersionedState, writeGroupState } from './group-state-store.js';
import type { HeartbeatObservations } from './heartbeat-observations.js';
import { observeHeartbeat, type SeenHeartbeat, tombstoneHeartbeat } from './heartbeat-reads.js';
import { aheadOf } from './leader-choice.js';
import type { MemberHeartbeat } from './member-heartbeat.js';
import type { PartitionAssigner } from './partition-assigner.js';

export interface GroupLeaderOptions {
  storage: GroupStorage;
  group: string;
  assigners: readonly PartitionAssigner[];
  metadataMaxAgeMs: number;
  rebalanceTimeoutMs: number;
  describeTopic(name: string): Promise<TopicDescription | null>;
  observations: HeartbeatObservations;
  logger: Logger;
}

export class GroupLeader {
  private readonly options: GroupLeaderOptions;
  private readonly topicCache = new Map<string, { metadata: TopicMetadata | null; readAt: number }>();
  private current: { key: string; since: number } | null = null;
  private lastLive = '';
  private warnedNoStrategy = false;

  constructor(options: GroupLeaderOptions) {
    this.options = options;
  }

  /**
   * One check as (would-be) leader `self` with its own current heartbeat `mine`. Resolves to the state it wrote,
   * or null when nothing needed writing, another member is still ahead in line, or another writer won the race.
   */
  async check(self: string, mine: MemberHeartbeat, versioned: VersionedState): Promise<VersionedState | null> {
    const { storage, group, observations, logger } = this.options;
    const { state } = versioned;
    const generationKey = `${state.stateId}/${state.generation}`;
    if (this.current?.key !== generationKey) this.current = { key: generationKey, since: performance.now() };

    const listed = (await storage.list(membersPrefix(group)))
      .map((object) => parseMemberKey(group, object.key))
      .filter((id): id is string => id !== null);
    const others = [...new Set([...listed, ...state.members.map((member) => member.instanceId)])].filter(
      (id) => id !== self,
    );
    const seen = await Promise.all(others.map((id) => observeHeartbeat(storage, group, id, observations)));
    observations.retainOnly([...others, self]);

    const live = new Map<string, MemberHeartbeat>([[self, mine]]);
    const seenLive = new Map<string, SeenHeartbeat & { heartbeat: MemberHeartbeat; etag: string }>();
    for (const entry of seen) {
      if (entry.heartbeat === null) {
        if (entry.etag !== null) await this.removeTombstone(entry.instanceId);
        continue;
      }
      const alive = { ...entry, heartbeat: entry.heartbeat, etag: entry.etag! };
      if (observations.isExpired(entry.instanceId) && (await this.tombstone(self, alive, 'its session expired'))) {
        continue;
      }
      live.set(entry.instanceId, entry.heartbeat);
      seenLive.set(entry.instanceId, alive);
    }

    if (state.leader !== self && aheadOf(state, self).some((id) => live.has(id))) return null;

    if (performance.now() - this.current.since > this.options.rebalanceTimeoutMs) {
      for (const member of state.members) {
        const entry = seenLive.get(member.instanceId);
        if (entry === undefined || hasCompleted(entry.heartbeat, state)) continue;
        const reason = `it did not release its revoked partitions within rebalanceTimeoutMs (${this.options.rebalanceTimeoutMs} ms)`;
        if (await this.tombstone(self, entry, reason)) live.delete(member.instanceId);
      }
    }

    const topics = await this.topicMetadata(new Set([...live.values()].flatMap((heartbeat) => heartbeat.topics)));
    const plan = planAssignment({ state, live, topics, assigners: this.options.assigners });
    const noStrategy = plan.protocol === null && live.size > 0;
    if (noStrategy && !this.warnedNoStrategy) {
      logger.error('The group members share no partition assignment strategy; nothing is assigned', {
        group,
        strategies: Object.fromEntries([...live].map(([id, heartbeat]) => [id, heartbeat.assigners])),
      });
    }
    this.warnedNoStrategy = noStrategy;
    if (state.leader === self && samePlan(state, plan)) return null;

    // Joins arriving together make one rebalance: wait until the live members stayed the same for one check.
    const liveKey = [...live.keys()].sort().join(',');
    const stateMembers = new Set(state.members.map((member) => member.instanceId));
    const joined = [...live.keys()].some((id) => !stateMembers.has(id));
    const left = [...stateMembers].some((id) => !live.has(id));
    const settling = joined && !left && state.leader === self && liveKey !== this.lastLive;
    this.lastLive = liveKey;
    if (settling) return null;

    const next: GroupState = {
      ...plan,
      stateId: state.stateId,
      generation: state.generation + 1,
      leader: self,
      writtenAt: Date.now(),
    };
    const written = await writeGroupState(storage, group, next, versioned);
    if (written !== null) {
      logger.info('Wrote the group state', {
        group,
        generation: next.generation,
        leader: self,
        members: next.members.length,
        rebalancing: !sameAssignments(next.target, next.assignment),
      });
    }
    return written;
  }

  private async tombstone(
    self: string,
    entry: SeenHeartbeat & { heartbeat: MemberHeartbeat; etag: string },
    reason: string,
  ): Promise<boolean> {
    const gone = await tombstoneHeartbeat(this.options.storage, this.options.group, entry, self);
    if (gone) {
      this.options.observations.markGone(entry.instanceId, performance.now());
      this.options.logger.warn('Removed a member from the group', {
        group: this.options.group,
        memberId: entry.heartbeat.memberId,
        instanceId: entry.instanceId,
        reason,
      });
    }
    return gone;
  }

  private async removeTombstone(instanceId: string): Promise<void> {
    const { storage, group, logger } = this.options;
    await storage.delete(memberKey(group, instanceId)).catch((error: unknown) => {
      logger.debug('Could not delete a tombstone; trying again at the next check', { group, instanceId, error });
    });
  }

  /** Metadata of the named topics that exist, each read again when older than `metadataMaxAgeMs`. */
  private async topicMetadata(names: ReadonlySet<string>): Promise<Map<string, TopicMetadata>> {
    const now = performance.now();
    await Promise.all(
      [...names].map(async (name) => {
        const cached = this.topicCache.get(name);
        if (cached !== undefined && now - cached.readAt < this.options.metadataMaxAgeMs) return;
        try {
          const topic = await this.options.describeTopic(name);
          const metadata = topic === null ? null : { topicId: topic.topicId, partitions: topic.partitions };
          this.topicCache.set(name, { metadata, readAt: now });
        } catch (error) {
          this.options.logger.warn('Could not read topic metadata; using what was known', { topic: name, error });
        }
      }),
    );
    const result = new Map<string, TopicMetadata>();
    for (const name of names) {
      const metadata = this.topicCache.get(name)?.metadata;
      if (metadata) result.set(name, metadata);
    }
    return result;
  }
}

function samePlan(state: GroupState, plan: Plan): boolean {
  return (
    JSON.stringify(state.members) === JSON.stringify(plan.members) &&
    state.protocol === plan.protocol &&
    sameAssignments(state.target, plan.target) &&
    sameAssignments(state.assignment, plan.assignment)
  );
}
