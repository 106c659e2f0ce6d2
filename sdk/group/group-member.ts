/**
 * One member instance of a consumer group (docs/consumer-groups.md): it writes its heartbeat on one timer and, on
 * another, reads the group state, follows or watches the leader, and leads when its turn comes. It applies each new
 * state it reads: first it revokes the partitions it owns and is no longer assigned (through `hooks.revoke`, which
 * stops them and commits), then it reports that in its heartbeat at once, then it claims the partitions newly
 * assigned to it and hands them to `hooks.acquired`.
 *
 * Safety on its own: `mayProcess()` turns false when the last confirmed heartbeat started more than the session
 * timeout less a margin ago, so a member that cannot heartbeat stops handing records to handlers before anyone can
 * judge it expired. A refresh that finds the heartbeat tombstoned or deleted ends the membership: the member drops
 * its partitions without committing (`hooks.lost`) and joins again as a new instance.
 */
import { hostname } from 'node:os';
import type { GroupStorage } from '../backend/backend.js';
import type { Logger } from '../client/logger.js';
import { KlogError } from '../errors.js';
import type { TopicDescription } from '../log/topics.js';
import type { PartitionRef } from '../store/keys.js';
import { byTopic, idSet, partitionIdOf, refsOf } from './assigned-partitions.js';
import type { ResolvedGroupOptions } from './group-config.js';
import { GroupLeader } from './group-leader.js';
import { initialGroupState } from './group-state.js';
import { readGroupState, type VersionedState, writeGroupState } from './group-state-store.js';
import { HeartbeatObservations } from './heartbeat-observations.js';
import { observeHeartbeat } from './heartbeat-reads.js';
import { newInstanceId } from './instance-id.js';
import { presumedLeader, watchedMembers } from './leader-choice.js';
import type { MemberHeartbeat } from './member-heartbeat.js';
import { OffsetClaim } from './offset-claim.js';
import { OwnHeartbeat } from './own-heartbeat.js';
import { Ticker } from './ticker.js';

export interface GroupMemberHooks {
  /** Topic names this member subscribes to now (patterns resolved); called on join and every metadataMaxAgeMs. */
  subscribedTopics(): Promise<string[]>;
  /** Partitions this member now owns; each claim holds the committed offset (null when none). */
  acquired(claims: OffsetClaim[]): void;
  /** Stops these partitions, waits for their handlers, commits what was handled; must not throw. */
  revoke(claims: OffsetClaim[]): Promise<void>;
  /** The membership ended: drop these partitions at once, without committing. */
  lost(claims: OffsetClaim[]): void;
  /** `mayProcess()` changed. */
  processingChanged(): void;
}

export interface GroupMemberOptions {
  storage: GroupStorage;
  describeTopic(name: string): Promise<TopicDescription | null>;
  clientId: string;
  group: ResolvedGroupOptions;
  metadataMaxAgeMs: number;
  logger: Logger;
  hooks: GroupMemberHooks;
}

export class GroupMember {
  private readonly options: GroupMemberOptions;
  private readonly hooks: GroupMemberHooks;
  private readonly logger: Logger;
  private readonly heartbeatTicker: Ticker;
  private readonly coordinationTicker: Ticker;
  private instance = newInstanceId();
  private heartbeat: OwnHeartbeat;
  private observations = new HeartbeatObservations();
  private leader: GroupLeader | null = null;
  private topics: string[] = [];
  private topicsReadAt = Number.NEGATIVE_INFINITY;
  private completed: { stateId: string; generation: number } | null = null;
  private readonly owned = new Map<string, OffsetClaim>();
  private latest: VersionedState | null = null;
  private appliedEtag: string | null = null;
  private applying: Promise<void> | null = null;
  private restarting: Promise<void> | null = null;
  private counter = 0;
  /** Joined, and neither leaving nor between two instances. */
  private active = false;
  private stopped = false;
  private processing = false;

  constructor(options: GroupMemberOptions) {
    this.options = options;
    this.hooks = options.hooks;
    this.logger = options.logger;
    this.heartbeat = new OwnHeartbeat(options.storage, options.group.group, this.instance);
    const interval = options.group.heartbeatIntervalMs;
    const onError = (error: unknown) => this.logger.error('A consumer-group task failed', { error: String(error) });
    this.heartbeatTicker = new Ticker(interval, () => this.beat(), onError);
    this.coordinationTicker = new Ticker(interval, () => this.coordinate(), onError);
  }

  get group(): string {
    return this.options.group.group;
  }

  get instanceId(): string {
    return this.instance;
  }

  get memberId(): string {
    return this.options.group.memberId ?? `${this.options.clientId}-${this.instance}`;
  }

  /** The generation of the newest state this member has read, or null before it read one. */
  get generation(): number | null {
    return this.latest?.state.generation ?? null;
  }

  /** Creates the heartbeat object and starts the timers. */
  async join(): Promise<void> {
    this.stopped = false;
    this.topics = await this.hooks.subscribedTopics();
    this.topicsReadAt = performance.now();
    this.active = true;
    if (!(await this.heartbeat.write(this.heartbeatBody()))) {
      throw new KlogError('UNKNOWN_OUTCOME', `Could not create the heartbeat of group "${this.group}"; try again.`, {
        context: { group: this.group, key: this.heartbeat.key },
      });
    }
    this.logger.info('Joined the consumer group', {
      group: this.group,
      memberId: this.memberId,
      instanceId: this.instance,
    });
    this.updateProcessing();
    this.heartbeatTicker.start();
    this.coordinationTicker.start();
  }

  /**
   * Leaves the group: stops the timers, revokes every partition (`hooks.revoke` commits) and deletes the heartbeat,
   * so that the leader reassigns the partitions at its next check instead of after a session timeout.
   */
  async leave(): Promise<void> {
    this.stopped = true;
    this.active = false;
    this.updateProcessing();
    await Promise.all([this.heartbeatTicker.stop(), this.coordinationTicker.stop()]);
    await this.applying;
    const claims = [...this.owned.values()];
    this.owned.clear();
    if (claims.length > 0) await this.hooks.revoke(claims);
    await this.heartbeat.remove();
    this.logger.info('Left the consumer group', {
      group: this.group,
      memberId: this.memberId,
      instanceId: this.instance,
    });
  }

  /**
   * Leaves at once without committing (a handler ran past maxPollIntervalMs), and joins again as a new instance
   * once `until` resolves.
   */
  leaveUntil(reason: string, until: Promise<void>): Promise<void> {
    return this.restart(reason, until);
  }

  /** May records be handed to handlers now? False while the heartbeat is not confirmed within the session. */
  mayProcess(): boolean {
    const { sessionTimeoutMs, heartbeatIntervalMs } = this.options.group;
    const margin = Math.max(heartbeatIntervalMs, sessionTimeoutMs / 10);
    return this.active && performance.now() < this.heartbeat.confirmedAt + sessionTimeoutMs - margin;
  }

  /** The claim on this partition, when this member owns it. */
  claimOf(ref: { topicId: string; partition: number }): OffsetClaim | undefined {
    return this.owned.get(partitionIdOf(ref));
  }

  claims(): OffsetClaim[] {
    return [...this.owned.values()];
  }

  /**
   * A commit found the partition taken over: forget the claim. If the state still assigns it to this member, the
   * next check claims it again (which fails when a newer generation holds it).
   */
  dropClaim(claim: OffsetClaim): void {
    if (this.owned.get(partitionIdOf(claim.ref)) === claim) this.owned.delete(partitionIdOf(claim.ref));
  }

  private heartbeatBody(): MemberHeartbeat {
    const { group } = this.options;
    return {
      instanceId: this.instance,
      memberId: this.memberId,
      clientId: this.options.clientId,
      clientHost: hostname(),
      topics: this.topics,
      assigners: group.assigners.map((assigner) => assigner.name),
      counter: ++this.counter,
      stateId: this.completed?.stateId ?? null,
      generation: this.completed?.generation ?? 0,
      owned: byTopic([...this.owned.values()].map((claim) => claim.ref)),
      sessionTimeoutMs: group.sessionTimeoutMs,
      heartbeatIntervalMs: group.heartbeatIntervalMs,
      rebalanceTimeoutMs: group.rebalanceTimeoutMs,
      writtenAt: Date.now(),
    };
  }

  private async beat(): Promise<void> {
    if (!this.active) return;
    try {
      if (!(await this.heartbeat.write(this.heartbeatBody()))) {
        void this.restart('its heartbeat was tombstoned or deleted (it was expired or removed)', null);
        return;
      }
    } catch (error) {
      this.logger.warn('Could not write the heartbeat; trying again at the next interval', {
        group: this.group,
        error: String(error),
      });
    }
    this.updateProcessing();
  }

  private async coordinate(): Promise<void> {
    if (!this.active) return;
    try {
      await this.refreshTopics();
      const versioned = (await readGroupState(this.options.storage, this.group)) ?? (await this.createState());
      if (versioned === null || !this.active) return;
      this.offer(versioned);
      await this.leadOrWatch(versioned);
      if (this.applying === null && this.latest !== null) await this.acquire(this.latest);
    } catch (error) {
      this.logger.warn('Could not coordinate with the group; trying again at the next interval', {
        group: this.group,
        error: String(error),
      });
    } finally {
      this.updateProcessing();
    }
  }

  private async leadOrWatch(versioned: VersionedState): Promise<void> {
    const { state } = versioned;
    const isGone = (id: string) => this.observations.isGone(id);
    if (presumedLeader(state, this.instance, isGone) !== this.instance) {
      this.leader = null;
      const watched = watchedMembers(state, this.instance, isGone);
      await Promise.all(watched.map((id) => observeHeartbeat(this.options.storage, this.group, id, this.observations)));
      if (presumedLeader(state, this.instance, isGone) !== this.instance) return;
    }
    // A leader whose own heartbeat is not confirmed may already count as expired elsewhere: it does not write.
    if (!this.mayProcess()) return;
    this.leader ??= new GroupLeader({
      storage: this.options.storage,
      group: this.group,
      assigners: this.options.group.assigners,
      metadataMaxAgeMs: this.options.metadataMaxAgeMs,
      rebalanceTimeoutMs: this.options.group.rebalanceTimeoutMs,
      describeTopic: this.options.describeTopic,
      observations: this.observations,
      logger: this.logger,
    });
    const written = await this.leader.check(this.instance, this.heartbeatBody(), versioned);
    if (written !== null) this.offer(written);
  }

  private async createState(): Promise<VersionedState | null> {
    const initial = initialGroupState({
      instanceId: this.instance,
      memberId: this.memberId,
      clientId: this.options.clientId,
      topics: [...this.topics].sort(),
    });
    const created = await writeGroupState(this.options.storage, this.group, initial, null);
    return created ?? (await readGroupState(this.options.storage, this.group));
  }

  private async refreshTopics(): Promise<void> {
    if (performance.now() - this.topicsReadAt < this.options.metadataMaxAgeMs) return;
    const topics = await this.hooks.subscribedTopics();
    this.topicsReadAt = performance.now();
    if (JSON.stringify(topics) === JSON.stringify(this.topics)) return;
    this.topics = topics;
    await this.heartbeatTicker.runNow();
  }

  /** Takes a state read or written (unless older than the last); one not applied yet starts the apply loop. */
  private offer(versioned: VersionedState): void {
    const latest = this.latest;
    const older =
      latest !== null &&
      latest.state.stateId === versioned.state.stateId &&
      latest.state.generation > versioned.state.generation;
    if (!older) this.latest = versioned;
    if (this.latest?.etag === this.appliedEtag) return;
    this.applying ??= this.applyLoop().finally(() => {
      this.applying = null;
    });
  }

  private async applyLoop(): Promise<void> {
    while (this.active && this.latest !== null && this.latest.etag !== this.appliedEtag) {
      const versioned = this.latest;
      await this.apply(versioned);
      this.appliedEtag = versioned.etag;
    }
  }

  private async apply(versioned: VersionedState): Promise<void> {
    const { state } = versioned;
    const assigned = idSet(state.assignment[this.instance]);
    const revoked = [...this.owned.entries()].filter(([id]) => !assigned.has(id));
    if (revoked.length > 0) {
      this.logger.info('Revoking partitions', {
        group: this.group,
        generation: state.generation,
        partitions: revoked.map(([, claim]) => `${claim.ref.topic}/${claim.ref.partition}`),
      });
      try {
        await this.hooks.revoke(revoked.map(([, claim]) => claim));
      } finally {
        for (const [id, claim] of revoked) if (this.owned.get(id) === claim) this.owned.delete(id);
      }
    }
    if (!this.active) return;
    this.completed = { stateId: state.stateId, generation: state.generation };
    await this.heartbeatTicker.runNow();
    await this.acquire(versioned);
  }

  /** Claims the partitions assigned to this member in `versioned` that it does not own yet. */
  private async acquire(versioned: VersionedState): Promise<void> {
    const { state } = versioned;
    if (this.completed?.stateId !== state.stateId || this.completed.generation !== state.generation) return;
    const missing = refsOf(state.assignment[this.instance]).filter((ref) => !this.owned.has(partitionIdOf(ref)));
    if (missing.length === 0) return;
    const owner = {
      instanceId: this.instance,
      memberId: this.memberId,
      stateId: state.stateId,
      generation: state.generation,
    };
    const claims = await Promise.all(
      missing.map((ref: PartitionRef) => OffsetClaim.claim(this.options.storage, this.group, ref, owner)),
    );
    const acquired: OffsetClaim[] = [];
    for (const claim of claims) {
      if (claim === null || !this.active || this.owned.has(partitionIdOf(claim.ref))) continue;
      this.owned.set(partitionIdOf(claim.ref), claim);
      acquired.push(claim);
    }
    if (acquired.length === 0) return;
    this.logger.info('Acquired partitions', {
      group: this.group,
      generation: state.generation,
      partitions: acquired.map((claim) => `${claim.ref.topic}/${claim.ref.partition}`),
    });
    this.hooks.acquired(acquired);
  }

  private restart(reason: string, until: Promise<void> | null): Promise<void> {
    this.restarting ??= this.restartNow(reason, until).finally(() => {
      this.restarting = null;
    });
    return this.restarting;
  }

  /** Ends this instance's membership and joins again as a new instance (unless the member is leaving). */
  private async restartNow(reason: string, until: Promise<void> | null): Promise<void> {
    this.logger.warn('Lost the consumer-group membership; joining again as a new instance', {
      group: this.group,
      memberId: this.memberId,
      instanceId: this.instance,
      reason,
    });
    this.active = false;
    const claims = [...this.owned.values()];
    this.owned.clear();
    if (claims.length > 0) this.hooks.lost(claims);
    this.updateProcessing();
    await this.heartbeat.remove().catch(() => undefined);
    if (until !== null) await until;
    await this.applying;
    if (this.stopped) return;
    this.instance = newInstanceId();
    this.heartbeat = new OwnHeartbeat(this.options.storage, this.group, this.instance);
    this.observations = new HeartbeatObservations();
    this.leader = null;
    this.completed = null;
    this.latest = null;
    this.appliedEtag = null;
    this.active = true;
    await this.beat();
    this.logger.info('Joined the consumer group', {
      group: this.group,
      memberId: this.memberId,
      instanceId: this.instance,
    });
  }

  private updateProcessing(): void {
    const may = this.mayProcess();
    if (may === this.processing) return;
    this.processing = may;
    this.hooks.processingChanged();
  }
}
