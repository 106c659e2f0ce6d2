/**
 * The Admin's consumer-group operations (docs/consumer-groups.md §9), through the client's Backend: its group
 * storage for the group objects, and its topic and partition reads for log offsets. Changing offsets or deleting a
 * group is refused while the group has live members (unless `force` for offsets): `findLiveMembers` tells live
 * members from dead ones by watching their heartbeats, which takes up to one session timeout when all are dead.
 */
import type { ClientContext } from '../client/client-context.js';
import type { Logger } from '../client/logger.js';
import { retrying } from '../client/retrier.js';
import { KlogError } from '../errors.js';
import { refsOf } from '../group/assigned-partitions.js';
import { readGroupDescription } from '../group/group-description.js';
import { listGroupKeys, listGroupNames, readCommittedOffsets } from '../group/group-objects-list.js';
import { readGroupState } from '../group/group-state-store.js';
import { findLiveMembers } from '../group/live-members.js';
import { readCommittedOffset, writeResetOffset } from '../group/offset-reset.js';
import { partitionRefs, type TopicDescription } from '../log/topics.js';
import { validateName } from '../names.js';
import { groupStateKey, type PartitionRef } from '../store/keys.js';
import type {
  DeleteGroupsResult,
  FetchOffsetsRequest,
  GroupDescriptionWithOffsets,
  GroupOverview,
  GroupPartitionOffsets,
  OffsetChange,
  OffsetResetTarget,
  ResetOffsetsRequest,
  SetOffsetsRequest,
  TopicPartitionOffsets,
} from './group-admin-types.js';

export class GroupAdmin {
  private readonly context: ClientContext;
  private readonly logger: Logger;

  constructor(context: ClientContext, logger: Logger) {
    this.context = context;
    this.logger = logger;
  }

  private get storage() {
    return this.context.backend.groups;
  }

  /** Groups with any object (state, heartbeats or offsets), in name order. Costs one LIST per group. */
  async listGroups(): Promise<{ groups: GroupOverview[] }> {
    const names = await this.retry('list groups', () => listGroupNames(this.storage));
    return { groups: names.map((groupId) => ({ groupId, protocolType: 'consumer' as const })) };
  }

  /**
   * Members, assignment, and per partition the committed offset, log-end offset and lag. A group that does not
   * exist is described as `Dead`, without members, as Kafka does.
   */
  async describeGroups(groupIds: string[]): Promise<{ groups: GroupDescriptionWithOffsets[] }> {
    const names = requireGroupIds(groupIds);
    return { groups: await Promise.all(names.map((group) => this.describeGroup(group))) };
  }

  /** Committed offsets by topic ('-1' where nothing was committed), as kafkajs's `fetchOffsets`. */
  async fetchOffsets(request: FetchOffsetsRequest): Promise<TopicPartitionOffsets[]> {
    const group = validateName('group', request?.groupId);
    const names =
      request.topics === undefined
        ? [...new Set((await this.offsetsOf(group)).map((offset) => offset.topic))].sort()
        : request.topics.map((topic) => validateName('topic', topic));
    return Promise.all(
      names.map(async (name) => {
        const topic = await this.requireTopic(name);
        const partitions = await Promise.all(
          partitionRefs(topic).map(async (ref) => {
            const stored = await this.retry(`read offset of ${name}/${ref.partition}`, () =>
              readCommittedOffset(this.storage, group, ref),
            );
            return { partition: ref.partition, offset: stored?.offset ?? '-1', metadata: stored?.metadata ?? null };
          }),
        );
        return { topic: name, partitions };
      }),
    );
  }

  /** Moves a topic's committed offsets (see OffsetResetTarget); refused while the group has live members. */
  async resetOffsets(request: ResetOffsetsRequest): Promise<OffsetChange[]> {
    const group = validateName('group', request?.groupId);
    const topic = await this.requireTopic(validateName('topic', request.topic));
    const target: OffsetResetTarget = request.to ?? (request.earliest === true ? 'earliest' : 'latest');
    const refs = selectPartitions(topic, request.partitions, group);
    return this.changeOffsets(group, topic, refs, request, async (ref, committed) => {
      const reader = this.context.backend.openReader(ref);
      const [start, end] = await Promise.all([reader.earliestOffset(), reader.latestOffset()]);
      const bounds = { start, end, base: committed ?? start };
      return clamp(await resolveTarget(target, reader, bounds, group, ref), start, end);
    });
  }

  /** Sets committed offsets (each the next offset to read), kept within the log; refused while members are live. */
  async setOffsets(request: SetOffsetsRequest): Promise<OffsetChange[]> {
    const group = validateName('group', request?.groupId);
    const topic = await this.requireTopic(validateName('topic', request.topic));
    if (!Array.isArray(request.partitions)) {
      throw new KlogError('INVALID_ARGUMENT', 'setOffsets takes partitions: [{ partition, offset }].', {
        context: { group },
      });
    }
    const wanted = new Map(
      request.partitions.map(({ partition, offset }) => [partition, parseOffset(offset, group, topic.name)]),
    );
    const refs = selectPartitions(topic, [...wanted.keys()], group);
    return this.changeOffsets(group, topic, refs, request, async (ref) => {
      const reader = this.context.backend.openReader(ref);
      const [start, end] = await Promise.all([reader.earliestOffset(), reader.latestOffset()]);
      return clamp(wanted.get(ref.partition)!, start, end);
    });
  }

  /**
   * Deletes groups: their state, heartbeats and committed offsets. Refused (GROUP_NOT_EMPTY) for a group with live
   * members; groups that do not exist fail the call with GROUP_NOT_FOUND after the others are deleted.
   */
  async deleteGroups(groupIds: string[]): Promise<DeleteGroupsResult[]> {
    const names = requireGroupIds(groupIds);
    for (const group of names) await this.requireNoLiveMembers(group, 'delete it');
    const deleted: DeleteGroupsResult[] = [];
    const missing: string[] = [];
    for (const group of names) {
      const keys = await this.retry(`list group ${group}`, () => listGroupKeys(this.storage, group));
      if (keys.length === 0) {
        missing.push(group);
        continue;
      }
      // The state goes last, so that an interrupted delete still shows the group.
      const ordered = [
        ...keys.filter((key) => key !== groupStateKey(group)),
        ...keys.filter((key) => key === groupStateKey(group)),
      ];
      for (const key of ordered) await this.retry(`delete ${key}`, () => deleteKey(this.storage, key));
      this.logger.info('Deleted consumer group', { group, objects: keys.length });
      deleted.push({ groupId: group, errorCode: 0 });
    }
    if (missing.length > 0) {
      throw new KlogError(
        'GROUP_NOT_FOUND',
        `Cannot delete ${missing.map((g) => `"${g}"`).join(', ')}: no such group.`,
        {
          context: { group: missing.join(',') },
        },
      );
    }
    return deleted;
  }

  private async describeGroup(group: string): Promise<GroupDescriptionWithOffsets> {
    const [description, versioned, offsets] = await Promise.all([
      this.retry(`describe group ${group}`, () => readGroupDescription(this.storage, group)),
      this.retry(`read group ${group}`, () => readGroupState(this.storage, group)),
      this.offsetsOf(group),
    ]);
    const state = versioned?.state ?? null;
    const memberIds = new Map(state?.members.map((member) => [member.instanceId, member.memberId]) ?? []);
    const owners = new Map<string, string>();
    const assigned: PartitionRef[] = [];
    for (const [instanceId, topics] of Object.entries(state?.assignment ?? {})) {
      for (const ref of refsOf(topics)) {
        owners.set(`${ref.topicId}/${ref.partition}`, memberIds.get(instanceId) ?? instanceId);
        assigned.push(ref);
      }
    }
    const committed = new Map(offsets.map((offset) => [`${offset.topicId}/${offset.partition}`, offset.offset]));
    const names = [...new Set([...offsets.map((offset) => offset.topic), ...assigned.map((ref) => ref.topic)])].sort();
    const topics = new Map<string, TopicDescription>();
    for (const name of names) {
      const topic = await this.retry(`read topic ${name}`, () => this.context.backend.getTopic(name));
      if (topic !== null) topics.set(name, topic);
    }
    const refs = new Map<string, PartitionRef>();
    for (const ref of [...offsets, ...assigned]) {
      const topic = topics.get(ref.topic);
      if (topic === undefined || topic.topicId !== ref.topicId || ref.partition >= topic.partitions) continue;
      refs.set(`${ref.topicId}/${ref.partition}`, { topic: ref.topic, topicId: ref.topicId, partition: ref.partition });
    }
    const partitions: GroupPartitionOffsets[] = await Promise.all(
      [...refs].map(async ([id, ref]) => {
        const stats = await this.retry(`read offsets of ${ref.topic}/${ref.partition}`, () =>
          this.context.backend.partitionStats(ref),
        );
        const offset = committed.get(id) ?? null;
        const end = stats.latestOffset;
        return {
          topic: ref.topic,
          partition: ref.partition,
          committedOffset: offset,
          logEndOffset: end.toString(),
          lag: offset === null ? null : (end > BigInt(offset) ? end - BigInt(offset) : 0n).toString(),
          memberId: owners.get(id) ?? null,
        };
      }),
    );
    partitions.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    return { ...description, partitions };
  }

  private async changeOffsets(
    group: string,
    topic: TopicDescription,
    refs: PartitionRef[],
    request: { force?: boolean; dryRun?: boolean },
    compute: (ref: PartitionRef, committed: bigint | null) => Promise<bigint>,
  ): Promise<OffsetChange[]> {
    if (request.force !== true && request.dryRun !== true) {
      await this.requireNoLiveMembers(group, 'change its offsets (or pass force: true)');
    }
    const changes = await Promise.all(
      refs.map(async (ref) => {
        const stored = await this.retry(`read offset of ${topic.name}/${ref.partition}`, () =>
          readCommittedOffset(this.storage, group, ref),
        );
        const previous = stored?.offset ?? null;
        const offset = await this.retry(`compute offset of ${topic.name}/${ref.partition}`, () =>
          compute(ref, previous === null ? null : BigInt(previous)),
        );
        if (request.dryRun !== true) {
          await this.retry(`set offset of ${topic.name}/${ref.partition}`, () =>
            writeResetOffset(this.storage, group, ref, offset),
          );
        }
        return { partition: ref.partition, previous, offset: offset.toString() };
      }),
    );
    if (request.dryRun !== true) {
      this.logger.info('Changed committed offsets', { group, topic: topic.name, partitions: changes.length });
    }
    return changes.sort((a, b) => a.partition - b.partition);
  }

  private async requireNoLiveMembers(group: string, what: string): Promise<void> {
    const live = await this.retry(`check members of ${group}`, () => findLiveMembers(this.storage, group));
    if (live.length === 0) return;
    throw new KlogError(
      'GROUP_NOT_EMPTY',
      `Group "${group}" has ${live.length} live member(s) (${live.map((member) => member.memberId).join(', ')}); ` +
        `stop its consumers before you ${what}.`,
      { context: { group, members: live.map((member) => member.memberId) } },
    );
  }

  private offsetsOf(group: string) {
    return this.retry(`read offsets of group ${group}`, () => readCommittedOffsets(this.storage, group));
  }

  private async requireTopic(name: string): Promise<TopicDescription> {
    const topic = await this.retry(`read topic ${name}`, () => this.context.backend.getTopic(name));
    if (topic !== null) return topic;
    throw new KlogError('TOPIC_NOT_FOUND', `Topic "${name}" does not exist.`, { context: { topic: name } });
  }

  private retry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return retrying(operation, this.context.retry, this.logger, what);
  }
}

async function deleteKey(storage: ClientContext['backend']['groups'], key: string): Promise<void> {
  const outcome = await storage.delete(key);
  if (outcome.kind === 'done' || outcome.kind === 'not-found') return;
  throw new KlogError('STORE_UNAVAILABLE', `Could not delete ${key} (${outcome.kind}); try again.`, {
    context: { key },
  });
}

function requireGroupIds(groupIds: string[]): string[] {
  if (!Array.isArray(groupIds)) {
    throw new KlogError('INVALID_ARGUMENT', 'Pass an array of group ids.');
  }
  return [...new Set(groupIds.map((group) => validateName('group', group)))];
}

function selectPartitions(topic: TopicDescription, partitions: number[] | undefined, group: string): PartitionRef[] {
  const all = partitionRefs(topic);
  if (partitions === undefined) return all;
  if (!Array.isArray(partitions)) {
    throw new KlogError('INVALID_ARGUMENT', 'partitions must be an array of partition numbers.', {
      context: { group },
    });
  }
  return [...new Set(partitions)].map((partition) => {
    const ref = Number.isSafeInteger(partition) ? all[partition] : undefined;
    if (ref !== undefined) return ref;
    throw new KlogError(
      'PARTITION_NOT_FOUND',
      `Topic "${topic.name}" has partitions 0 to ${topic.partitions - 1}; there is no partition ${partition}.`,
      { context: { group, topic: topic.name, partition } },
    );
  });
}

async function resolveTarget(
  target: OffsetResetTarget,
  reader: { offsetForTimestamp(ms: number): Promise<bigint | null> },
  bounds: { start: bigint; end: bigint; base: bigint },
  group: string,
  ref: PartitionRef,
): Promise<bigint> {
  if (target === 'earliest') return bounds.start;
  if (target === 'latest') return bounds.end;
  if (typeof target === 'object' && target !== null) {
    if ('offset' in target) return parseOffset(target.offset, group, ref.topic);
    if ('timestamp' in target && Number.isFinite(target.timestamp)) {
      return (await reader.offsetForTimestamp(target.timestamp)) ?? bounds.end;
    }
    if ('shiftBy' in target && Number.isSafeInteger(target.shiftBy)) return bounds.base + BigInt(target.shiftBy);
  }
  throw new KlogError(
    'INVALID_ARGUMENT',
    `Unknown reset target ${JSON.stringify(target)}: use 'earliest', 'latest', { offset }, { timestamp } or { shiftBy }.`,
    { context: { group, topic: ref.topic } },
  );
}

function clamp(offset: bigint, start: bigint, end: bigint): bigint {
  return offset < start ? start : offset > end ? end : offset;
}

function parseOffset(offset: unknown, group: string, topic: string): bigint {
  const text = typeof offset === 'number' && Number.isSafeInteger(offset) ? String(offset) : offset;
  if (typeof text === 'string' && /^(0|[1-9][0-9]*)$/.test(text)) return BigInt(text);
  throw new KlogError(
    'INVALID_ARGUMENT',
    `${JSON.stringify(offset)} is not an offset: use a decimal string from "0" (the next offset to read).`,
    { context: { group, topic } },
  );
}
