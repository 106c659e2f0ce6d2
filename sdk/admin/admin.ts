/**
 * Topic and consumer-group administration shaped like kafkajs's `admin` (create, list, describe, delete topics;
 * add partitions; read offsets; change retention; list, describe and delete groups; read and reset their
 * committed offsets). Everything goes through the client's Backend, so the same Admin works on the
 * object store directly and, later, through remote broker functions. Retriable failures are retried with the
 * client's retry settings.
 *
 *   const admin = klog.admin();
 *   await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] });
 */
import type { ClientContext } from '../client/client-context.js';
import type { Logger } from '../client/logger.js';
import { retrying } from '../client/retrier.js';
import { KlogError } from '../errors.js';
import { MAX_PARTITIONS, partitionRefs, type TopicDescription } from '../log/topics.js';
import { type PartitionMaintenanceReport, toMaintenanceReport } from '../maintenance/maintenance-result.js';
import type { MaintenanceOptions } from '../maintenance/run-maintenance.js';
import { validateName } from '../names.js';
import {
  type AlterConfigsRequest,
  type AlterConfigsResponse,
  ConfigResourceTypes,
  type CreatePartitionsRequest,
  type CreateTopicsRequest,
  type DeleteTopicsRequest,
  type DescribeConfigResponse,
  type DescribeConfigsRequest,
  type ITopicConfig,
  type ITopicMetadata,
  type PartitionOffset,
  type TopicDetails,
  type TopicOffsets,
} from './admin-types.js';
import { GroupAdmin } from './group-admin.js';
import type {
  DeleteGroupsResult,
  FetchOffsetsRequest,
  GroupDescriptionWithOffsets,
  GroupOverview,
  OffsetChange,
  ResetOffsetsRequest,
  SetOffsetsRequest,
  TopicPartitionOffsets,
} from './group-admin-types.js';
import { describeConfigEntries, parseConfigEntries } from './topic-configs.js';

export class Admin {
  private readonly context: ClientContext;
  private readonly logger: Logger;
  private readonly groups: GroupAdmin;

  constructor(context: ClientContext) {
    this.context = context;
    this.logger = context.logger.namespace('Admin');
    this.groups = new GroupAdmin(context, this.logger);
  }

  /**
   * Kept for kafkajs compatibility. The admin holds no connection of its own: it shares the client's store,
   * which `klog.close()` releases, so there is nothing to open here.
   */
  async connect(): Promise<void> {}

  /** Kept for kafkajs compatibility; see `connect`. */
  async disconnect(): Promise<void> {}

  /**
   * Creates topics. Resolves to false when every topic already existed, true otherwise; other failures
   * (invalid names, partition counts or configs) reject, and nothing is created when the request is invalid.
   */
  async createTopics(request: CreateTopicsRequest): Promise<boolean> {
    const topics = requireArray('topics', request?.topics);
    requireUnique(topics.map((entry) => entry.topic));
    const plans = topics.map((entry) => planTopic(entry));
    if (request.validateOnly === true) {
      const existing = await Promise.all(plans.map((plan) => this.getTopic(plan.name)));
      return plans.length === 0 || existing.some((topic) => topic === null);
    }
    const created = await Promise.all(
      plans.map(async (plan) => {
        try {
          await this.retry(`create topic ${plan.name}`, () =>
            this.context.backend.createTopic(plan.name, { partitions: plan.partitions, config: plan.config }),
          );
          this.logger.info('Created topic', { topic: plan.name, partitions: plan.partitions });
          return true;
        } catch (error) {
          if (error instanceof KlogError && error.code === 'TOPIC_ALREADY_EXISTS') return false;
          throw error;
        }
      }),
    );
    return plans.length === 0 || created.includes(true);
  }

  /** Names of the live topics, in name order. Costs one LIST and one GET per topic. */
  listTopics(): Promise<string[]> {
    return this.retry('list topics', () => this.context.backend.listTopics());
  }

  /**
   * Partition metadata of the named topics, or of every topic. klog has no leaders or replicas: any process
   * may append to any partition (conditional writes order them) and the object store keeps the copies, so
   * `leader` is -1 (Kafka's "no leader") and the replica lists are empty.
   */
  async fetchTopicMetadata(request: { topics?: string[] } = {}): Promise<{ topics: ITopicMetadata[] }> {
    const described =
      request.topics === undefined || request.topics.length === 0
        ? (await Promise.all((await this.listTopics()).map((name) => this.getTopic(name)))).filter(
            (topic): topic is TopicDescription => topic !== null,
          )
        : await Promise.all(requireArray('topics', request.topics).map((name) => this.requireTopic(name)));
    return {
      topics: described.map((topic) => ({
        name: topic.name,
        partitions: Array.from({ length: topic.partitions }, (_, partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: -1,
          replicas: [],
          isr: [],
          offlineReplicas: [],
        })),
      })),
    };
  }

  /**
   * Each partition's log-start (`low`) and log-end (`high`, also `offset`) offsets. Costs per partition one
   * GET (meta), one LIST per 1,000 segments and one range GET of the last segment's header.
   */
  async fetchTopicOffsets(topic: string): Promise<TopicOffsets[]> {
    const described = await this.requireTopic(topic);
    return Promise.all(
      partitionRefs(described).map(async (ref) => {
        const stats = await this.retry(`read offsets of ${topic}/${ref.partition}`, () =>
          this.context.backend.partitionStats(ref),
        );
        const high = stats.latestOffset.toString();
        return { partition: ref.partition, offset: high, high, low: stats.earliestOffset.toString() };
      }),
    );
  }

  /**
   * klog's own description of a topic (kafkajs has none): its id, creation time and config, and per partition
   * the log-start and log-end offsets, the number of segments and their bytes. Costs what fetchTopicOffsets
   * costs; the segment sizes come from the same LISTs.
   */
  async describeTopic(topic: string): Promise<TopicDetails> {
    const described = await this.requireTopic(topic);
    const partitions = await Promise.all(
      partitionRefs(described).map(async (ref) => {
        const stats = await this.retry(`describe ${topic}/${ref.partition}`, () =>
          this.context.backend.partitionStats(ref),
        );
        return {
          partition: ref.partition,
          earliestOffset: stats.earliestOffset.toString(),
          latestOffset: stats.latestOffset.toString(),
          segments: stats.segments,
          bytes: stats.bytes,
        };
      }),
    );
    const config = Object.fromEntries(
      describeConfigEntries(topic, described.config).map((entry) => [entry.configName, entry.configValue]),
    );
    return {
      topic: described.name,
      topicId: described.topicId,
      createdAt: String(described.createdAt),
      config,
      partitions,
    };
  }

  /**
   * Per partition, the offset of the first record with a timestamp (ms) at or after `timestamp`; the log-end
   * offset when no record is that new, or when `timestamp` is left out (as Kafka answers). Scans segment
   * headers from the log start: one LIST, and a range GET per segment until the time is reached.
   */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<PartitionOffset[]> {
    if (timestamp !== undefined && !Number.isFinite(timestamp)) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `The timestamp must be a number of ms since the epoch, got ${timestamp}.`,
        {
          context: { topic },
        },
      );
    }
    const described = await this.requireTopic(topic);
    return Promise.all(
      partitionRefs(described).map(async (ref) => {
        const reader = this.context.backend.openReader(ref);
        const found =
          timestamp === undefined
            ? null
            : await this.retry(`find offset by time in ${topic}/${ref.partition}`, () =>
                reader.offsetForTimestamp(timestamp),
              );
        const offset =
          found ?? (await this.retry(`read end of ${topic}/${ref.partition}`, () => reader.latestOffset()));
        return { partition: ref.partition, offset: offset.toString() };
      }),
    );
  }

  /**
   * Deletes topics: their partitions are sealed, so no writer can add to them afterwards. Topics that exist are
   * deleted even when others in the list do not; those then fail the call with TOPIC_NOT_FOUND.
   */
  async deleteTopics(request: DeleteTopicsRequest): Promise<void> {
    const names = requireArray('topics', request?.topics);
    requireUnique(names);
    for (const name of names) validateName('topic', name);
    const deleted = await Promise.all(
      names.map((name) => this.retry(`delete topic ${name}`, () => this.context.backend.deleteTopic(name))),
    );
    const missing = names.filter((_, index) => deleted[index] === false);
    for (const name of names.filter((_, index) => deleted[index] === true))
      this.logger.info('Deleted topic', { topic: name });
    if (missing.length > 0) {
      throw new KlogError('TOPIC_NOT_FOUND', `Cannot delete ${quoteList(missing)}: no such topic.`, {
        context: { topic: missing.join(',') },
      });
    }
  }

  /** Grows topics to `count` partitions each. Partitions can be added, never removed, as in Kafka. */
  async createPartitions(request: CreatePartitionsRequest): Promise<void> {
    const entries = requireArray('topicPartitions', request?.topicPartitions);
    requireUnique(entries.map((entry) => entry.topic));
    for (const entry of entries) {
      validateName('topic', entry.topic);
      if (!Number.isInteger(entry.count) || entry.count < 1 || entry.count > MAX_PARTITIONS) {
        throw new KlogError(
          'INVALID_ARGUMENT',
          `Topic "${entry.topic}": count is the new total number of partitions, an integer from 1 to ` +
            `${MAX_PARTITIONS}; got ${entry.count}.`,
          { context: { topic: entry.topic } },
        );
      }
    }
    if (request.validateOnly === true) {
      for (const entry of entries) {
        const current = await this.requireTopic(entry.topic);
        if (entry.count <= current.partitions) {
          throw new KlogError(
            'INVALID_ARGUMENT',
            `Topic "${entry.topic}" has ${current.partitions} partitions; the new count must be above that, got ` +
              `${entry.count}. Partitions can be added, never removed.`,
            { context: { topic: entry.topic } },
          );
        }
      }
      return;
    }
    for (const entry of entries) {
      await this.retry(`add partitions to ${entry.topic}`, () =>
        this.context.backend.createPartitions(entry.topic, entry.count),
      );
      this.logger.info('Added partitions', { topic: entry.topic, partitions: entry.count });
    }
  }

  /** Topic configs under Kafka's names (`retention.ms`, `retention.bytes`, `max.message.bytes`). */
  async describeConfigs(request: DescribeConfigsRequest): Promise<DescribeConfigResponse> {
    const resources = requireArray('resources', request?.resources);
    return {
      resources: await Promise.all(
        resources.map(async (resource) => {
          requireTopicResource(resource.type, resource.name);
          const topic = await this.requireTopic(resource.name);
          return {
            errorCode: 0 as const,
            errorMessage: null,
            resourceName: resource.name,
            resourceType: ConfigResourceTypes.TOPIC,
            configEntries: describeConfigEntries(resource.name, topic.config, resource.configNames),
          };
        }),
      ),
      throttleTime: 0,
    };
  }

  /**
   * Changes topic configs. Unlike Kafka's (non-incremental) AlterConfigs, which kafkajs calls, entries left
   * out keep their current values instead of returning to the defaults: changing retention cannot quietly
   * reset the maximum message size.
   */
  async alterConfigs(request: AlterConfigsRequest): Promise<AlterConfigsResponse> {
    const resources = requireArray('resources', request?.resources);
    const changes = resources.map((resource) => {
      requireTopicResource(resource.type, resource.name);
      validateName('topic', resource.name);
      return {
        name: resource.name,
        config: parseConfigEntries(resource.name, requireArray('configEntries', resource.configEntries)),
      };
    });
    for (const change of changes) {
      if (request.validateOnly === true) await this.requireTopic(change.name);
      else {
        await this.retry(`change config of ${change.name}`, () =>
          this.context.backend.alterTopicConfig(change.name, change.config),
        );
        this.logger.info('Changed topic config', { topic: change.name, ...change.config });
      }
    }
    return {
      resources: changes.map((change) => ({
        errorCode: 0 as const,
        errorMessage: null,
        resourceName: change.name,
        resourceType: ConfigResourceTypes.TOPIC,
      })),
      throttleTime: 0,
    };
  }

  /** Consumer groups with any object, in name order (kafkajs's shape). Costs one LIST per group. */
  listGroups(): Promise<{ groups: GroupOverview[] }> {
    return this.groups.listGroups();
  }

  /**
   * Groups' state, members and assignment, and per partition the committed offset, log-end offset and lag. Costs
   * per group 2 LISTs, 1 GET per heartbeat and per committed offset, and per partition the reads of
   * fetchTopicOffsets.
   */
  describeGroups(groupIds: string[]): Promise<{ groups: GroupDescriptionWithOffsets[] }> {
    return this.groups.describeGroups(groupIds);
  }

  /** A group's committed offsets by topic; '-1' where none was committed. 1 GET per partition. */
  fetchOffsets(request: FetchOffsetsRequest): Promise<TopicPartitionOffsets[]> {
    return this.groups.fetchOffsets(request);
  }

  /**
   * Moves a group's committed offsets of a topic to the log start, the log end, an offset, a time or by a shift.
   * Refused with GROUP_NOT_EMPTY while the group has live members, unless `force`; telling dead members from live
   * ones may take one session timeout. Returns the offsets before and after.
   */
  resetOffsets(request: ResetOffsetsRequest): Promise<OffsetChange[]> {
    return this.groups.resetOffsets(request);
  }

  /** Sets a group's committed offsets of a topic, kept within the log; refused as resetOffsets is. */
  setOffsets(request: SetOffsetsRequest): Promise<OffsetChange[]> {
    return this.groups.setOffsets(request);
  }

  /** Deletes groups (state, heartbeats, offsets); GROUP_NOT_EMPTY with live members, GROUP_NOT_FOUND for unknown. */
  deleteGroups(groupIds: string[]): Promise<DeleteGroupsResult[]> {
    return this.groups.deleteGroups(groupIds);
  }

  /**
   * Runs maintenance (retention by `retention.ms` and `retention.bytes`) once over the given topics, or every
   * topic, and reports per partition what moved and what was deleted. On S3 a scheduled function does this; on
   * the embedded stores nothing does unless an app calls this (or runs `klog maintenance run --every`). Safe to
   * call from several processes at once: each partition is worked on by one run at a time.
   */
  async runMaintenance(
    request: Omit<MaintenanceOptions, 'topics' | 'holder' | 'leaseMs'> & { topics?: string[] } = {},
  ): Promise<PartitionMaintenanceReport[]> {
    const topics = request.topics === undefined ? undefined : requireArray('topics', request.topics);
    const results = await this.retry('run maintenance', () =>
      this.context.backend.runMaintenance({ ...request, topics }),
    );
    return results.map(toMaintenanceReport);
  }

  private retry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return retrying(operation, this.context.retry, this.logger, what);
  }

  private getTopic(name: string): Promise<TopicDescription | null> {
    return this.retry(`read topic ${name}`, () => this.context.backend.getTopic(name));
  }

  private async requireTopic(name: string): Promise<TopicDescription> {
    const topic = await this.getTopic(name);
    if (topic !== null) return topic;
    throw new KlogError('TOPIC_NOT_FOUND', `Topic "${name}" does not exist. Create it with admin.createTopics.`, {
      context: { topic: name },
    });
  }
}

interface TopicPlan {
  name: string;
  partitions: number | undefined;
  config: ReturnType<typeof parseConfigEntries>;
}

/** Checks one createTopics entry before anything is written, so an invalid request creates nothing. */
function planTopic(entry: ITopicConfig): TopicPlan {
  const name = validateName('topic', entry?.topic);
  const requested = entry.numPartitions;
  const partitions = requested === undefined || requested === -1 ? undefined : requested;
  if (partitions !== undefined && (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS)) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `Topic "${name}": numPartitions must be an integer from 1 to ${MAX_PARTITIONS} (or -1 for the default), got ${requested}.`,
      { context: { topic: name } },
    );
  }
  return { name, partitions, config: parseConfigEntries(name, entry.configEntries ?? []) };
}

function requireArray<T>(field: string, value: T[] | undefined): T[] {
  if (Array.isArray(value)) return value;
  throw new KlogError(
    'INVALID_ARGUMENT',
    `"${field}" must be an array, got ${value === undefined ? 'nothing' : typeof value}.`,
    {
      context: { field },
    },
  );
}

function requireUnique(names: readonly string[]): void {
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `${quoteList([...new Set(repeated)])} appears more than once in the request.`,
      {
        context: { topic: repeated.join(',') },
      },
    );
  }
}

function requireTopicResource(type: number, name: string): void {
  if (type === ConfigResourceTypes.TOPIC) return;
  throw new KlogError(
    'INVALID_ARGUMENT',
    `Resource "${name}" has type ${type}; klog has topic configs only (ConfigResourceTypes.TOPIC = 2), no brokers.`,
    { context: { resource: name, type } },
  );
}

function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
