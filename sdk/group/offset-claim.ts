/**
 * A member's claim on one partition's committed offset (docs/consumer-groups.md §5). Claiming writes the offset
 * object with this instance as owner (keeping the stored offset), `If-Match` the version read or
 * `If-None-Match: *` when there is none; a claim from a newer generation of the same group state is never
 * overwritten. Commits replace the object `If-Match` the claim's last etag, so once another instance (or an admin
 * reset) has written it, this claim can never move the offset again: the commit fails with
 * REBALANCE_IN_PROGRESS. Commits of one claim run one at a time, skip an unchanged offset, and refuse to move the
 * offset backwards.
 */
import type { GroupStorage } from '../backend/backend.js';
import { KlogError } from '../errors.js';
import { readRetryDefaults, withRetries } from '../retry.js';
import { committedOffsetKey, type PartitionRef } from '../store/keys.js';
import {
  decodeStoredOffset,
  encodeStoredOffset,
  type OffsetOwner,
  type StoredOffset,
} from './committed-offset-object.js';
import { writeConditionally } from './conditional-write.js';

const CLAIM_ATTEMPTS = 4;

export class OffsetClaim {
  readonly group: string;
  readonly ref: PartitionRef;
  readonly owner: OffsetOwner;
  private readonly storage: GroupStorage;
  private readonly key: string;
  private etag: string;
  private stored: StoredOffset;
  private commits: Promise<unknown> = Promise.resolve();
  private lostTo: KlogError | null = null;

  private constructor(storage: GroupStorage, group: string, ref: PartitionRef, stored: StoredOffset, etag: string) {
    this.storage = storage;
    this.group = group;
    this.ref = ref;
    this.owner = stored.owner!;
    this.key = committedOffsetKey(group, ref.topicId, ref.partition);
    this.stored = stored;
    this.etag = etag;
  }

  /**
   * Claims the partition for `owner`. Resolves to null when a newer generation of the same state holds it (this
   * member is behind: it must read the state again), or when other writers kept winning the race.
   */
  static async claim(
    storage: GroupStorage,
    group: string,
    ref: PartitionRef,
    owner: OffsetOwner,
  ): Promise<OffsetClaim | null> {
    const key = committedOffsetKey(group, ref.topicId, ref.partition);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const current = await withRetries(() => storage.get(key), readRetryDefaults);
      const stored = current === null ? null : decodeStoredOffset(current.body, key);
      const holder = stored?.owner ?? null;
      if (holder !== null && holder.stateId === owner.stateId && holder.generation > owner.generation) return null;
      if (current !== null && stored !== null && holder !== null && sameOwner(holder, owner)) {
        return new OffsetClaim(storage, group, ref, stored, current.etag);
      }
      const claimed: StoredOffset = {
        topic: ref.topic,
        topicId: ref.topicId,
        partition: ref.partition,
        offset: stored?.offset ?? null,
        owner,
        metadata: stored?.metadata ?? null,
        committedAt: stored?.committedAt ?? null,
      };
      const result = await writeConditionally(
        storage,
        key,
        encodeStoredOffset(claimed),
        current === null ? { ifNoneMatch: '*' } : { ifMatch: current.etag },
      );
      if (result.kind === 'done') return new OffsetClaim(storage, group, ref, claimed, result.etag);
    }
    return null;
  }

  /** The committed offset (the next offset to read), or null when nothing was committed. */
  get offset(): bigint | null {
    return this.stored.offset === null ? null : BigInt(this.stored.offset);
  }

  /** The error that ended this claim, once a commit found the partition taken over; null while it holds. */
  get lost(): KlogError | null {
    return this.lostTo;
  }

  /**
   * Commits `offset` (the next offset to read). Resolves to false when it equals the committed one (nothing is
   * written). Throws INVALID_ARGUMENT for an offset below the committed one, and REBALANCE_IN_PROGRESS when another
   * instance or an admin reset took the partition over (the offset is then not moved, by this or any later call).
   */
  commit(offset: bigint, metadata: string | null = null): Promise<boolean> {
    const next = this.commits.then(() => this.commitNow(offset, metadata));
    this.commits = next.catch(() => undefined);
    return next;
  }

  private async commitNow(offset: bigint, metadata: string | null): Promise<boolean> {
    if (this.lostTo !== null) throw this.lostTo;
    const committed = this.offset;
    if (committed !== null && offset === committed && metadata === this.stored.metadata) return false;
    if (committed !== null && offset < committed) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `Cannot commit offset ${offset} for ${this.ref.topic}/${this.ref.partition} in group "${this.group}": the ` +
          `committed offset is ${committed}, and committed offsets never move backwards. Use admin.resetOffsets or ` +
          'admin.setOffsets (with the group stopped) to move it back.',
        { context: { group: this.group, topic: this.ref.topic, partition: this.ref.partition, offset } },
      );
    }
    const next: StoredOffset = { ...this.stored, offset: offset.toString(), metadata, committedAt: Date.now() };
    const result = await writeConditionally(this.storage, this.key, encodeStoredOffset(next), { ifMatch: this.etag });
    if (result.kind === 'done') {
      this.etag = result.etag;
      this.stored = next;
      return true;
    }
    this.lostTo = await this.takenOver(offset);
    throw this.lostTo;
  }

  private async takenOver(offset: bigint): Promise<KlogError> {
    const current = await withRetries(() => this.storage.get(this.key), readRetryDefaults).catch(() => null);
    const holder = current === null ? null : decodeStoredOffset(current.body, this.key).owner;
    const by =
      holder === null
        ? 'an admin reset (or the group was deleted)'
        : `member ${holder.memberId} (instance ${holder.instanceId}, generation ${holder.generation})`;
    return new KlogError(
      'REBALANCE_IN_PROGRESS',
      `Cannot commit offset ${offset} for ${this.ref.topic}/${this.ref.partition} in group "${this.group}": ` +
        `${by} took the partition over, so this member no longer owns it. The new owner continues from the last ` +
        'committed offset; records this member handled after that are handled again there.',
      {
        context: {
          group: this.group,
          topic: this.ref.topic,
          partition: this.ref.partition,
          offset,
          instanceId: this.owner.instanceId,
          owner: holder?.instanceId ?? null,
        },
      },
    );
  }
}

function sameOwner(a: OffsetOwner, b: OffsetOwner): boolean {
  return a.instanceId === b.instanceId && a.stateId === b.stateId && a.generation === b.generation;
}
