/** What one maintenance run did to each partition: the SDK's, the Admin's and the CLI's report. */
import type { RetentionReason } from './retention-plan.js';

export type PartitionMaintenanceOutcome =
  /** Nothing was due: no lease was taken, nothing was written. */
  | 'nothing-to-do'
  /** The run held the lease and did what was due (`deletedSegments` may be fewer when deletes failed). */
  | 'done'
  /** Another run holds the partition's lease; this run left the partition to it. */
  | 'lease-busy'
  /** The lease expired on this run's clock or was taken over before the run finished; it stopped early. */
  | 'lease-lost'
  /** The topic was deleted (its partitions are sealed): retention does not apply. */
  | 'sealed'
  /**
   * A deleted topic's partition (or one of an older id of a topic created again) was purged: `deletedSegments`
   * counts every object deleted (segments, index and data objects, the lease); its `meta.json` stays.
   */
  | 'purged';

export interface PartitionMaintenance {
  topic: string;
  partition: number;
  outcome: PartitionMaintenanceOutcome;
  logStartBefore: bigint;
  logStartAfter: bigint;
  /** Which retention limit moved the log start, or null when it did not move in this run. */
  reason: RetentionReason | null;
  /**
   * Segment deletes this run made, all of keys wholly below `logStartAfter`. A key another run deleted first may
   * be counted by both (a DELETE of a missing key succeeds).
   */
  deletedSegments: number;
  deletedBytes: number;
  /** What indexing and compaction did (sdk/maintenance/partition-indexing.ts); absent when they had nothing to do. */
  indexing?: {
    indexesWritten: number;
    dataSegmentsWritten: number;
    deletedOriginals: number;
    /** `data/` segments of a lost race, referenced by no index of the chain, deleted after the grace period. */
    deletedUnreferenced: number;
    indexedEndOffset: string;
  };
}

/** The same report with offsets as strings, as the public API (Admin, CLI `--json`) gives offsets. */
export interface PartitionMaintenanceReport extends Omit<PartitionMaintenance, 'logStartBefore' | 'logStartAfter'> {
  logStartBefore: string;
  logStartAfter: string;
}

export function toMaintenanceReport(result: PartitionMaintenance): PartitionMaintenanceReport {
  return {
    ...result,
    logStartBefore: result.logStartBefore.toString(),
    logStartAfter: result.logStartAfter.toString(),
  };
}
