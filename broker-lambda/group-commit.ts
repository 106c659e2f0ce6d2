/**
 * Group commit (docs/broker-api.md, "Produce"): concurrent produce requests for one partition share one segment.
 * The first request of a group waits up to `lingerMs` for others (with 0, only for the requests that arrived in the
 * same turn of the event loop), a group is written at once when it reaches `maxBytes`, and while one group's
 * segment is being written the next group gathers. Each request is answered only when the segment holding its batch
 * is committed (or its batch failed alone).
 *
 * Only one batch per producer id goes into a group: a producer's batches are checked in order against the log, so
 * a second batch of the same producer (normally a retry) waits for the next group. Nothing here decides
 * correctness: the partition writer does, exactly as for a single append.
 */
import type { DirectBackend } from '../sdk/backend/direct-backend.js';
import type { AppendRequest, AppendResult, EncodedAppendRequest } from '../sdk/log/partition-writer.js';
import { type PartitionRef, partitionPrefix } from '../sdk/store/keys.js';

export interface GroupCommitOptions {
  lingerMs: number;
  maxBytes: number;
}

/** A JSON produce body's records, or a binary body's batch as the producer encoded it. */
export type ProduceRequest = AppendRequest | EncodedAppendRequest;

interface Waiting {
  request: ProduceRequest;
  bytes: number;
  resolve(result: AppendResult): void;
  reject(reason: unknown): void;
}

interface PartitionGroup {
  ref: PartitionRef;
  waiting: Waiting[];
  /** Cancels the pending start of the next write, if one is scheduled. */
  timer: { cancel(): void } | null;
  writing: boolean;
}

export class GroupCommitter {
  private readonly backend: DirectBackend;
  private readonly options: GroupCommitOptions;
  private readonly partitions = new Map<string, PartitionGroup>();

  constructor(backend: DirectBackend, options: GroupCommitOptions) {
    this.backend = backend;
    this.options = options;
  }

  /** Appends one batch within the next group of its partition. `bytes` is its size on the wire. */
  append(ref: PartitionRef, request: ProduceRequest, bytes: number): Promise<AppendResult> {
    const key = partitionPrefix(ref);
    let group = this.partitions.get(key);
    if (group === undefined) {
      group = { ref, waiting: [], timer: null, writing: false };
      this.partitions.set(key, group);
    }
    const partition = group;
    return new Promise<AppendResult>((resolve, reject) => {
      partition.waiting.push({ request, bytes, resolve, reject });
      if (this.waitingBytes(partition) >= this.options.maxBytes) this.write(key, partition);
      else if (partition.timer === null && !partition.writing) partition.timer = this.schedule(key, partition);
    });
  }

  private schedule(key: string, partition: PartitionGroup): { cancel(): void } {
    const write = () => this.write(key, partition);
    if (this.options.lingerMs > 0) {
      const timer = setTimeout(write, this.options.lingerMs);
      return { cancel: () => clearTimeout(timer) };
    }
    // setImmediate runs after the requests whose bytes arrived with this one have reached `append`.
    const immediate = setImmediate(write);
    return { cancel: () => clearImmediate(immediate) };
  }

  private write(key: string, partition: PartitionGroup): void {
    partition.timer?.cancel();
    partition.timer = null;
    if (partition.writing) return;
    const group = this.takeGroup(partition);
    if (group.length === 0) {
      this.partitions.delete(key);
      return;
    }
    partition.writing = true;
    this.backend
      .appendMany(
        partition.ref,
        group.map((waiting) => waiting.request),
      )
      .then(
        (results) => {
          for (const [index, waiting] of group.entries()) {
            const result = results[index];
            if (result?.status === 'fulfilled') waiting.resolve(result.value);
            else waiting.reject(result?.reason);
          }
        },
        (error: unknown) => {
          for (const waiting of group) waiting.reject(error);
        },
      )
      .finally(() => {
        partition.writing = false;
        // Requests that arrived during the write have waited at least as long as a linger: write them now.
        this.write(key, partition);
      });
  }

  /** Takes the next group off the queue: within `maxBytes` (at least one batch), one batch per producer id. */
  private takeGroup(partition: PartitionGroup): Waiting[] {
    const group: Waiting[] = [];
    const rest: Waiting[] = [];
    const producers = new Set<bigint>();
    let bytes = 0;
    for (const waiting of partition.waiting) {
      const { producerId } = 'batch' in waiting.request ? waiting.request.batch : waiting.request;
      const fits = group.length === 0 || bytes + waiting.bytes <= this.options.maxBytes;
      if (fits && (producerId === 0n || !producers.has(producerId))) {
        group.push(waiting);
        producers.add(producerId);
        bytes += waiting.bytes;
      } else {
        rest.push(waiting);
        // Later batches of this producer must not overtake this one.
        producers.add(producerId);
      }
    }
    partition.waiting = rest;
    return group;
  }

  private waitingBytes(partition: PartitionGroup): number {
    return partition.waiting.reduce((sum, waiting) => sum + waiting.bytes, 0);
  }
}
