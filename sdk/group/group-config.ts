/**
 * A consumer's group options (`klog.consumer({ groupId, ... })`), their defaults (`groupDefaults` in config.ts)
 * and their checks.
 */
import { groupDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import { validateName } from '../names.js';
import type { PartitionAssigner } from './partition-assigner.js';
import { PartitionAssigners } from './partition-assigners.js';

export interface GroupOptions {
  /** The consumer group: members share its topics' partitions and commit offsets under this name. */
  groupId?: string;
  /**
   * A stable member id for this consumer (Kafka's `group.instance.id`), shown by describeGroup; by default
   * `<clientId>-<instance id>`. A new process with the same member id is still a new instance: it never inherits
   * the old one's partitions or commits.
   */
  groupInstanceId?: string;
  /** A member whose heartbeat has not changed for this long is expired and its partitions move. */
  sessionTimeoutMs?: number;
  /** Time between heartbeats; at most a third of `sessionTimeoutMs`. */
  heartbeatIntervalMs?: number;
  /** How long a member may take to release revoked partitions before it is removed from the group. */
  rebalanceTimeoutMs?: number;
  /** A handler running longer than this loses its partitions: the member leaves and joins again after it. */
  maxPollIntervalMs?: number;
  /** Assignment strategies in order of preference (default: cooperative-sticky); see `PartitionAssigners`. */
  partitionAssigners?: PartitionAssigner[];
}

export interface ResolvedGroupOptions {
  group: string;
  memberId: string | undefined;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  maxPollIntervalMs: number;
  assigners: PartitionAssigner[];
}

const GROUP_ONLY = [
  'groupInstanceId',
  'sessionTimeoutMs',
  'heartbeatIntervalMs',
  'rebalanceTimeoutMs',
  'maxPollIntervalMs',
  'partitionAssigners',
] as const;

/** Null for a consumer without a group (its group-only options are then refused, not ignored). */
export function resolveGroupOptions(options: GroupOptions): ResolvedGroupOptions | null {
  if (options.groupId === undefined) {
    const stray = GROUP_ONLY.filter((name) => options[name] !== undefined);
    if (stray.length > 0) {
      throw new KlogError('INVALID_ARGUMENT', `${stray.join(', ')} only apply to a consumer with a groupId.`);
    }
    return null;
  }
  const group = validateName('group', options.groupId);
  const sessionTimeoutMs = positiveInteger(
    options.sessionTimeoutMs ?? groupDefaults.sessionTimeoutMs,
    'sessionTimeoutMs',
  );
  const heartbeatIntervalMs = positiveInteger(
    options.heartbeatIntervalMs ?? Math.min(groupDefaults.heartbeatIntervalMs, Math.floor(sessionTimeoutMs / 3)),
    'heartbeatIntervalMs',
  );
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `heartbeatIntervalMs (${heartbeatIntervalMs}) must be at most a third of sessionTimeoutMs (${sessionTimeoutMs}), ` +
        'so that a member survives a slow heartbeat or two.',
      { context: { group } },
    );
  }
  const memberId = options.groupInstanceId;
  if (memberId !== undefined && (typeof memberId !== 'string' || !/^[\x21-\x7e]{1,249}$/.test(memberId))) {
    throw new KlogError('INVALID_ARGUMENT', 'groupInstanceId must be 1 to 249 printable ASCII characters.', {
      context: { group },
    });
  }
  const assigners = options.partitionAssigners ?? [PartitionAssigners.cooperativeSticky];
  if (
    !Array.isArray(assigners) ||
    assigners.length === 0 ||
    assigners.some((assigner) => typeof assigner?.name !== 'string' || typeof assigner.assign !== 'function')
  ) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      'partitionAssigners must be a non-empty array of strategies such as PartitionAssigners.cooperativeSticky.',
      { context: { group } },
    );
  }
  return {
    group,
    memberId,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    rebalanceTimeoutMs: positiveInteger(
      options.rebalanceTimeoutMs ?? groupDefaults.rebalanceTimeoutMs,
      'rebalanceTimeoutMs',
    ),
    maxPollIntervalMs: positiveInteger(
      options.maxPollIntervalMs ?? groupDefaults.maxPollIntervalMs,
      'maxPollIntervalMs',
    ),
    assigners: [...assigners],
  };
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new KlogError('INVALID_ARGUMENT', `${name} must be a positive integer (ms), got ${String(value)}.`);
  }
  return value;
}
