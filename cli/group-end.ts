/**
 * `klog consume --group <g> --exit-at-end`, as kcat's balanced consumer with -e: exit once every partition the
 * group assigns to this member has been read up to its end as it was when consumption started. Which partitions
 * those are is only known from the group state, so `GroupEndWatch` reads it (and the committed offsets, where
 * nothing was printed yet) every interval until `GroupEnd` says every assigned partition is at its end.
 *
 * A partition's position is the furthest of: what this member printed, the group's committed offset (where a new
 * owner starts), and without a committed offset, where the reset policy starts (the log start with
 * --from-beginning, else the end). A partition that did not exist at the start has nothing to read.
 */
import type { ConsumedMessage } from '../sdk/consumer/consumed-message.js';

export interface GroupEndOptions {
  /** Per partition of the topic, its log end when consumption started. */
  ends: ReadonlyMap<number, bigint>;
  /** Per partition, where a member starts without a committed offset (the reset policy's offset at the start). */
  starts: ReadonlyMap<number, bigint>;
}

export class GroupEnd {
  private readonly ends: ReadonlyMap<number, bigint>;
  private readonly starts: ReadonlyMap<number, bigint>;
  /** Per partition, the offset after the last record printed. */
  private readonly printedTo = new Map<number, bigint>();

  constructor(options: GroupEndOptions) {
    this.ends = options.ends;
    this.starts = options.starts;
  }

  /** How many of these messages of one partition, in offset order, come before its end. */
  before(partition: number, messages: readonly ConsumedMessage[]): number {
    const end = this.ends.get(partition) ?? 0n;
    let count = 0;
    while (count < messages.length && BigInt(messages[count]!.offset) < end) count++;
    return count;
  }

  /** Records up to `offset` of the partition were printed. */
  printed(partition: number, offset: bigint): void {
    const next = offset + 1n;
    if (next > (this.printedTo.get(partition) ?? -1n)) this.printedTo.set(partition, next);
  }

  /** Has this member printed the partition up to its end? */
  printedToEnd(partition: number): boolean {
    return (this.printedTo.get(partition) ?? -1n) >= (this.ends.get(partition) ?? 0n);
  }

  /** Partitions among these whose position depends on the committed offset (nothing printed up to the end). */
  unsettled(assigned: readonly number[]): number[] {
    return assigned.filter((partition) => !this.printedToEnd(partition));
  }

  /** Is every assigned partition at its end, given the group's committed offsets (null: none committed)? */
  reachedEnd(assigned: readonly number[], committed: ReadonlyMap<number, bigint | null>): boolean {
    return this.unsettled(assigned).every((partition) => {
      const end = this.ends.get(partition) ?? 0n;
      const start = committed.get(partition) ?? this.starts.get(partition) ?? end;
      return start >= end;
    });
  }
}

export interface GroupEndSources {
  /** The topic's partitions the group assigns to this member; null until the group is stable with it as a member. */
  assigned(): Promise<number[] | null>;
  /** The group's committed offsets of the topic's partitions (null where none). */
  committed(): Promise<ReadonlyMap<number, bigint | null>>;
}

export class GroupEndWatch {
  private readonly end: GroupEnd;
  private readonly sources: GroupEndSources;
  private readonly intervalMs: number;
  private stopped = false;
  /** A poke that arrived while a check ran: look again without waiting. */
  private poked = false;
  private wakeUp: (() => void) | null = null;

  constructor(end: GroupEnd, sources: GroupEndSources, intervalMs: number) {
    this.end = end;
    this.sources = sources;
    this.intervalMs = intervalMs;
  }

  /** Resolves true once every assigned partition is at its end, false when stopped first. */
  async run(): Promise<boolean> {
    while (!this.stopped) {
      this.poked = false;
      if (await this.atEnd()) return true;
      if (this.poked || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
    return false;
  }

  /** Looks again now (a partition just reached its end). */
  poke(): void {
    this.poked = true;
    this.wakeUp?.();
  }

  stop(): void {
    this.stopped = true;
    this.poke();
  }

  private async atEnd(): Promise<boolean> {
    const assigned = await this.sources.assigned();
    if (assigned === null) return false;
    // Reading committed offsets costs a GET per partition: only when a partition's position depends on them.
    if (this.end.unsettled(assigned).length === 0) return true;
    return this.end.reachedEnd(assigned, await this.sources.committed());
  }
}
