/**
 * One maintenance run over a cluster's topics: for now, retention of every partition (design brief §7). Safe to
 * run from several processes at once, and from a process that may stall: each partition is worked on under its
 * lease, and every change is fenced by the store (sdk/maintenance/partition-retention.ts).
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
import { retainPartition } from './partition-retention.js';

export interface MaintenanceOptions {
  /** Topics to maintain; every live topic when absent. Unknown or deleted topics are skipped. */
  topics?: readonly string[];
  /** The time (ms since the epoch) retention is judged at; the current time when absent. */
  now?: number;
  /** How long the partition leases this run takes stay valid; maintenanceDefaults.leaseMs when absent. */
  leaseMs?: number;
  /** Names this run in its leases; a random id when absent. Two runs must never share one. */
  holder?: string;
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
  const report: PartitionMaintenance[] = [];
  for (const name of names) {
    const topic = await getTopic(store, name);
    if (topic === null) continue;
    // Partitions one at a time: a run is background work and should not compete with producers for the store.
    for (const ref of partitionRefs(topic)) report.push(await retainPartition(store, ref, topic.config, settings));
  }
  return report;
}
