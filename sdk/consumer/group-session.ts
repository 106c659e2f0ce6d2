/**
 * A consumer's membership in its group for one `run` (docs/consumer-groups.md): it owns the GroupMember, turns its
 * acquisitions, revocations and losses into partitions the consumer starts and stops, and commits handled offsets
 * (every `autoCommitInterval` for partitions whose position moved, on revocation, and when the consumer stops).
 * It also watches handlers: one running longer than `maxPollIntervalMs` makes the member leave the group at once
 * (its partitions move to others) and join again as a new instance after that handler returns.
 */
import type { ClientContext } from '../client/client-context.js';
import type { Logger } from '../client/logger.js';
import { isKlogError, KlogError } from '../errors.js';
import { partitionIdOf } from '../group/assigned-partitions.js';
import type { ResolvedGroupOptions } from '../group/group-config.js';
import { GroupMember } from '../group/group-member.js';
import type { OffsetClaim } from '../group/offset-claim.js';
import { Ticker } from '../group/ticker.js';
import type { PartitionRef } from '../store/keys.js';
import type { OffsetsByTopicPartition } from './handlers.js';

export interface GroupSessionHooks {
  subscribedTopics(): Promise<string[]>;
  /** Starts consuming a partition this member now owns, at `committed` when set, else where the subscription says. */
  startPartition(ref: PartitionRef, committed: bigint | null): void;
  /**
   * Stops a partition and returns its next offset to handle (null when unknown). With `abandon` it is dropped at
   * once; otherwise this waits until no handler works on it.
   */
  stopPartition(ref: PartitionRef, abandon: boolean): Promise<bigint | null>;
  /** The next offset to handle of a partition being consumed, or null. */
  position(ref: PartitionRef): bigint | null;
  /** The member may (or may no longer) hand records to handlers: look at every partition again. */
  processingChanged(): void;
  /** When the longest-running handler started (`performance.now()`), or null. */
  oldestHandlerStart(): number | null;
}

export interface CommitRequest {
  topic: string;
  partition: number;
  /** The next offset to read, as a decimal string. */
  offset: string;
  metadata?: string | null;
}

const WATCH_POLL_MS = 20;

export class GroupSession {
  readonly member: GroupMember;
  private readonly hooks: GroupSessionHooks;
  private readonly logger: Logger;
  private readonly options: ResolvedGroupOptions;
  private readonly autoCommit: boolean;
  private readonly autoCommitIntervalMs: number;
  private readonly commitTicker: Ticker;
  private readonly pollWatch: Ticker;
  /** Partitions being revoked: nothing more is handed to their handlers. */
  private readonly revoking = new Set<string>();
  private lastCommitAt = performance.now();

  constructor(
    context: ClientContext,
    options: ResolvedGroupOptions,
    settings: { metadataMaxAgeMs: number; autoCommit: boolean; autoCommitIntervalMs: number },
    hooks: GroupSessionHooks,
  ) {
    this.hooks = hooks;
    this.options = options;
    this.logger = context.logger.namespace('ConsumerGroup');
    this.autoCommit = settings.autoCommit;
    this.autoCommitIntervalMs = settings.autoCommitIntervalMs;
    this.member = new GroupMember({
      storage: context.backend.groups,
      describeTopic: (name) => context.backend.getTopic(name),
      clientId: context.clientId,
      group: options,
      metadataMaxAgeMs: settings.metadataMaxAgeMs,
      logger: this.logger,
      hooks: {
        subscribedTopics: () => hooks.subscribedTopics(),
        acquired: (claims) => {
          for (const claim of claims) hooks.startPartition(claim.ref, claim.offset);
        },
        revoke: (claims) => this.revoke(claims),
        lost: (claims) => {
          for (const claim of claims) void hooks.stopPartition(claim.ref, true);
        },
        processingChanged: () => hooks.processingChanged(),
      },
    });
    const onError = (error: unknown) => this.logger.error('A consumer-group task failed', { error: String(error) });
    this.commitTicker = new Ticker(this.autoCommitIntervalMs, () => this.commitDue(), onError);
    const watchMs = Math.max(1, Math.min(options.heartbeatIntervalMs, Math.ceil(options.maxPollIntervalMs / 4)));
    this.pollWatch = new Ticker(watchMs, async () => this.watchHandlers(), onError);
  }

  async start(): Promise<void> {
    await this.member.join();
    if (this.autoCommit) this.commitTicker.start();
    this.pollWatch.start();
  }

  /** Leaves the group: revokes every partition (committing what was handled) and deletes the heartbeat. */
  async stop(): Promise<void> {
    await Promise.all([this.commitTicker.stop(), this.pollWatch.stop()]);
    await this.member.leave();
  }

  /** May the handler be given this partition's records now? */
  mayProcess(ref: PartitionRef): boolean {
    const id = partitionIdOf(ref);
    return this.member.mayProcess() && !this.revoking.has(id) && this.member.claimOf(ref) !== undefined;
  }

  /** The handlers' `heartbeat()`: heartbeats run on timers; this only tells a handler that its partition moved. */
  async heartbeat(ref: PartitionRef): Promise<void> {
    if (this.member.claimOf(ref) !== undefined && !this.revoking.has(partitionIdOf(ref))) return;
    throw new KlogError(
      'REBALANCE_IN_PROGRESS',
      `${ref.topic}/${ref.partition} is no longer assigned to this member of group "${this.options.group}"; stop ` +
        'handling its records (the new owner continues from the last committed offset).',
      { context: { group: this.options.group, topic: ref.topic, partition: ref.partition } },
    );
  }

  /**
   * Commits offsets (the next offset to read) of partitions this member owns. Throws REBALANCE_IN_PROGRESS for a
   * partition it does not own (or no longer owns: the offset is then not moved).
   */
  async commitOffsets(requests: readonly CommitRequest[]): Promise<void> {
    const resolved = requests.map((request) => {
      const claim = this.member
        .claims()
        .find((candidate) => candidate.ref.topic === request.topic && candidate.ref.partition === request.partition);
      if (claim === undefined) {
        throw new KlogError(
          'REBALANCE_IN_PROGRESS',
          `Cannot commit ${request.topic}/${request.partition}: this member of group "${this.options.group}" does ` +
            'not own that partition (it was never assigned here, or it moved to another member).',
          { context: { group: this.options.group, topic: request.topic, partition: request.partition } },
        );
      }
      return { claim, offset: parseOffset(request), metadata: request.metadata ?? null };
    });
    await Promise.all(resolved.map(({ claim, offset, metadata }) => this.commitClaim(claim, offset, metadata)));
  }

  /** eachBatch's `commitOffsetsIfNecessary`: the given offsets, or the handled positions once the interval passed. */
  async commitIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void> {
    if (offsets !== undefined) {
      await this.commitOffsets(
        offsets.topics.flatMap(({ topic, partitions }) =>
          partitions.map(({ partition, offset }) => ({ topic, partition, offset })),
        ),
      );
      return;
    }
    if (this.autoCommit && performance.now() - this.lastCommitAt >= this.autoCommitIntervalMs) {
      await this.commitPositions();
    }
  }

  private async commitDue(): Promise<void> {
    if (performance.now() - this.lastCommitAt >= this.autoCommitIntervalMs / 2) await this.commitPositions();
  }

  /** Commits the handled position of every owned partition whose position moved past its committed offset. */
  private async commitPositions(): Promise<void> {
    this.lastCommitAt = performance.now();
    await Promise.all(
      this.member.claims().map(async (claim) => {
        const position = this.hooks.position(claim.ref);
        if (position === null || (claim.offset !== null && position <= claim.offset)) return;
        await this.commitClaim(claim, position, null).catch((error: unknown) => {
          if (!isKlogError(error, 'REBALANCE_IN_PROGRESS')) {
            this.logger.warn('Could not commit offsets; trying again at the next interval', {
              group: this.options.group,
              topic: claim.ref.topic,
              partition: claim.ref.partition,
              error: String(error),
            });
          }
        });
      }),
    );
  }

  private async commitClaim(claim: OffsetClaim, offset: bigint, metadata: string | null): Promise<void> {
    try {
      await claim.commit(offset, metadata);
    } catch (error) {
      if (isKlogError(error, 'REBALANCE_IN_PROGRESS')) {
        this.logger.warn('A commit found the partition taken over; dropping it', {
          group: this.options.group,
          topic: claim.ref.topic,
          partition: claim.ref.partition,
        });
        this.member.dropClaim(claim);
        await this.hooks.stopPartition(claim.ref, true);
      }
      throw error;
    }
  }

  private async revoke(claims: OffsetClaim[]): Promise<void> {
    await Promise.all(
      claims.map(async (claim) => {
        const id = partitionIdOf(claim.ref);
        this.revoking.add(id);
        try {
          this.hooks.processingChanged();
          const position = await this.hooks.stopPartition(claim.ref, false);
          if (this.autoCommit && position !== null && (claim.offset === null || position > claim.offset)) {
            await claim.commit(position).catch((error: unknown) => {
              this.logger.warn('Could not commit a revoked partition', {
                group: this.options.group,
                topic: claim.ref.topic,
                partition: claim.ref.partition,
                error: String(error),
              });
            });
          }
        } finally {
          this.revoking.delete(id);
        }
      }),
    );
  }

  private watchHandlers(): void {
    const started = this.hooks.oldestHandlerStart();
    if (started === null || performance.now() - started <= this.options.maxPollIntervalMs) return;
    const handlerDone = new Promise<void>((resolve) => {
      const check = () => {
        const oldest = this.hooks.oldestHandlerStart();
        if (oldest === null || oldest > started) resolve();
        else setTimeout(check, WATCH_POLL_MS);
      };
      check();
    });
    void this.member.leaveUntil(
      `a handler has run for more than maxPollIntervalMs (${this.options.maxPollIntervalMs} ms)`,
      handlerDone,
    );
  }
}

function parseOffset(request: CommitRequest): bigint {
  const text = String(request.offset);
  if (!/^(0|[1-9][0-9]*)$/.test(text)) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `Cannot commit ${request.topic}/${request.partition} at ${JSON.stringify(request.offset)}: an offset is a ` +
        'decimal string from "0" (the next offset to read).',
      { context: { topic: request.topic, partition: request.partition } },
    );
  }
  return BigInt(text);
}
