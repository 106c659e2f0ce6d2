/**
 * One maintenance run over a cluster's topics: retention of every partition, then index objects and compaction
 * of its sealed segments (design brief §7). Safe to run from several processes at once, and from a process that may
 * stall: each partition is worked on under its lease, and every change is fenced by the store
 * (sdk/maintenance/partition-retention.ts, partition-indexing.ts).
 *
 *   const report = await runMaintenance(store, { topics: ['orders'] });
 *
 * Nothing schedules it on the embedded stores (filesystem, memory): an app that keeps data there and relies on
 * retention calls it periodically, or runs `klog maintenance run --every 5m` next to it.
 */
import { randomBytes } from 'node:crypto';
import { maintenanceDefaults } from '../config.js';
import { getTopic, listTopics, partitionRefs } from '../log/topics.js';
import { validateName } from '../names.js';
import type { ObjectStore } from '../store/object-store.js';
import type { PartitionMaintenance } from './maintenance-result.js';
import { indexingDefaults, indexPartition } from './partition-indexing.js';
import { retainPartition } from './partition-retention.js';
import { purgeReport } from './topic-purge.js';

export interface MaintenanceOptions {
  /** Topics to maintain; every live topic when absent. Unknown or deleted topics are skipped. */
  topics?: readonly string[];
  /** The time (ms since the epoch) retention is judged at; the current time when absent. */
  now?: number;
  /** How long the partition leases this run takes stay valid; maintenanceDefaults.leaseMs when absent. */
  leaseMs?: number;
  /** Names this run in its leases; a random id when absent. Two runs must never share one. */
  holder?: string;
  /** Write index objects for sealed ranges; true when absent. */
  indexing?: boolean;
  /** Merge small sealed segments into `data/` segments before indexing them; true when absent. */
  compaction?: boolean;
  /** Size compaction merges segments up to; maintenanceDefaults.compactionTargetBytes when absent. */
  compactionTargetBytes?: number;
  /** How long compacted originals are kept after their index is written; maintenanceDefaults.compactionGraceMs. */
  graceMs?: number;
  /** Sealed segments needed before an index is written; maintenanceDefaults.indexMinSegments when absent. */
  indexMinSegments?: number;
  /** How long after a topic's deletion its objects are purged; maintenanceDefaults.purgeGraceMs when absent. */
  purgeGraceMs?: number;
}

export async function runMaintenance(
  store: ObjectStore,
  options: MaintenanceOptions = {},
): Promise<PartitionMaintenance[]> {
  const names = options.topics ?? (await listTopics(store));
  for (const name of names) validateName('topic', name);
  const fixedNow = options.now;
  const settings = {
    holder: options.holder ?? randomBytes(8).toString('hex'),
    now: fixedNow === undefined ? Date.now : () => fixedNow,
    leaseMs: options.leaseMs ?? maintenanceDefaults.leaseMs,
  };
  const indexing = {
    ...settings,
    compaction: options.compaction ?? indexingDefaults.compaction,
    compactionTargetBytes: options.compactionTargetBytes ?? indexingDefaults.compactionTargetBytes,
    graceMs: options.graceMs ?? indexingDefaults.graceMs,
    indexMinSegments: options.indexMinSegments ?? indexingDefaults.indexMinSegments,
    indexMaxSegments: indexingDefaults.indexMaxSegments,
    producerIdExpirationMs: indexingDefaults.producerIdExpirationMs,
  };
  const report: PartitionMaintenance[] = [];
  for (const name of names) {
    const topic = await getTopic(store, name);
    if (topic === null) continue;
    // Partitions one at a time: a run is background work and should not compete with producers for the store.
    for (const ref of partitionRefs(topic)) {
      const retained = await retainPartition(store, ref, topic.config, settings);
      if (options.indexing === false || retained.outcome === 'sealed') {
        report.push(retained);
        continue;
      }
      const indexed = await indexPartition(store, ref, indexing);
      if (indexed.outcome === 'nothing-to-do') {
        report.push(retained);
        continue;
      }
      report.push({
        ...retained,
        outcome: retained.outcome === 'nothing-to-do' ? indexed.outcome : retained.outcome,
        indexing: {
          indexesWritten: indexed.indexesWritten,
          dataSegmentsWritten: indexed.dataSegmentsWritten,
          deletedOriginals: indexed.deletedOriginals,
          deletedUnreferenced: indexed.deletedUnreferenced,
          indexedEndOffset: indexed.indexedEndOffset.toString(),
        },
      });
    }
  }
  // Deleted topics are not in the live list: the purge finds them (and old ids of recreated topics) by LIST.
  const purgeGraceMs = options.purgeGraceMs ?? maintenanceDefaults.purgeGraceMs;
  report.push(...(await purgeReport(store, { topics: options.topics, now: settings.now(), graceMs: purgeGraceMs })));
  return report;
}
