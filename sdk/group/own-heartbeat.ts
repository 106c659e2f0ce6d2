/**
 * A member instance's own heartbeat object (docs/consumer-groups.md §1, §2): created with `If-None-Match: *`,
 * refreshed with `If-Match` its own last etag, deleted when the member leaves. Writes are serialised, since each
 * one needs the etag of the one before. `confirmedAt` is when the last successful write *started* on this
 * process's monotonic clock: the write landed no earlier, so "confirmed within the session" measured from there
 * never overstates how fresh the heartbeat is.
 *
 * A refresh that loses (the object was tombstoned by a leader or an admin, or deleted) means the membership is
 * over: nobody but this instance ever writes a live heartbeat at this key, and this instance never writes it again.
 */
import type { GroupStorage } from '../backend/backend.js';
import { memberKey } from '../store/keys.js';
import { writeConditionally } from './conditional-write.js';
import { encodeMemberHeartbeat, type MemberHeartbeat } from './member-heartbeat.js';

export class OwnHeartbeat {
  readonly key: string;
  private readonly storage: GroupStorage;
  private etag: string | null = null;
  private confirmed = Number.NEGATIVE_INFINITY;
  private writes: Promise<unknown> = Promise.resolve();
  private over = false;

  constructor(storage: GroupStorage, group: string, instanceId: string) {
    this.storage = storage;
    this.key = memberKey(group, instanceId);
  }

  /** `performance.now()` when the last confirmed write started; -Infinity before the first. */
  get confirmedAt(): number {
    return this.confirmed;
  }

  /** True once a refresh found the heartbeat tombstoned or deleted, or after `remove`. */
  get ended(): boolean {
    return this.over;
  }

  /**
   * Creates the object on the first call and refreshes it afterwards. Resolves to false when the membership is
   * over (the object is not ours any more); throws on store failures (the next tick tries again).
   */
  write(heartbeat: MemberHeartbeat): Promise<boolean> {
    const next = this.writes.then(() => this.writeNow(heartbeat));
    this.writes = next.catch(() => undefined);
    return next;
  }

  /** Deletes the object (the member leaves). Only this instance writes a live heartbeat here, so no condition. */
  async remove(): Promise<void> {
    await this.writes;
    this.over = true;
    if (this.etag !== null) await this.storage.delete(this.key);
  }

  private async writeNow(heartbeat: MemberHeartbeat): Promise<boolean> {
    if (this.over) return false;
    const started = performance.now();
    const condition = this.etag === null ? ({ ifNoneMatch: '*' } as const) : { ifMatch: this.etag };
    const result = await writeConditionally(this.storage, this.key, encodeMemberHeartbeat(heartbeat), condition);
    if (result.kind === 'lost') {
      this.over = true;
      return false;
    }
    this.etag = result.etag;
    this.confirmed = started;
    return true;
  }
}
