/**
 * What one observer has seen of other members' heartbeat objects, judged only on its own monotonic clock
 * (docs/consumer-groups.md §2). A member is expired for this observer when a GET that started at least its
 * session timeout after an earlier GET's answer arrived returned the same etag: every write has a fresh nonce, so
 * nothing was written in between. Counting from the earlier answer and to the later request keeps the measured
 * time a lower bound of the real one. Times are passed in, so the rules are testable without waiting.
 */

interface Observation {
  /** The etag seen, or null when the object was absent or a tombstone. */
  etag: string | null;
  /** When the answer that first showed this etag arrived. */
  since: number;
  /** When the latest GET that showed it started. */
  lastAskedAt: number;
  sessionTimeoutMs: number;
}

export class HeartbeatObservations {
  private readonly seen = new Map<string, Observation>();

  /**
   * Records one GET of a member's heartbeat: `etag` null when it was absent or a tombstone; `askedAt` when the
   * request started and `answeredAt` when its answer arrived (both `performance.now()`).
   */
  record(instanceId: string, etag: string | null, sessionTimeoutMs: number, askedAt: number, answeredAt: number): void {
    const previous = this.seen.get(instanceId);
    if (previous === undefined || previous.etag !== etag) {
      this.seen.set(instanceId, { etag, since: answeredAt, lastAskedAt: askedAt, sessionTimeoutMs });
      return;
    }
    previous.lastAskedAt = askedAt;
    previous.sessionTimeoutMs = sessionTimeoutMs;
  }

  /** The member is gone for this observer: its heartbeat was absent or a tombstone, or has expired. */
  isGone(instanceId: string): boolean {
    const observation = this.seen.get(instanceId);
    return observation !== undefined && (observation.etag === null || isExpired(observation));
  }

  /** Seen, and its heartbeat unchanged for at least its session timeout. */
  isExpired(instanceId: string): boolean {
    const observation = this.seen.get(instanceId);
    return observation !== undefined && observation.etag !== null && isExpired(observation);
  }

  /** The etag last seen (null: absent), or undefined when never observed. */
  etagOf(instanceId: string): string | null | undefined {
    return this.seen.get(instanceId)?.etag;
  }

  /** Marks a member gone for good (its heartbeat was tombstoned or deleted). */
  markGone(instanceId: string, now: number): void {
    this.seen.set(instanceId, { etag: null, since: now, lastAskedAt: now, sessionTimeoutMs: 0 });
  }

  /** Forgets every member not in `instanceIds`, so that the map does not grow with departed members. */
  retainOnly(instanceIds: Iterable<string>): void {
    const keep = new Set(instanceIds);
    for (const instanceId of [...this.seen.keys()]) if (!keep.has(instanceId)) this.seen.delete(instanceId);
  }
}

function isExpired(observation: Observation): boolean {
  return observation.lastAskedAt - observation.since >= observation.sessionTimeoutMs;
}
