/**
 * Purging deleted topics in the background (design brief §3, §7). Deleting a topic seals its partitions and turns
 * `topic.json` into a tombstone; its segments, index and data objects stay until a maintenance run purges them.
 * A purge deletes every object under a dead topic id except the partitions' `meta.json`: the sealed metas and
 * the `topic.json` tombstone are what stop a late writer (its check before acknowledging reads the sealed meta,
 * docs/fencing.md §2), so they stay for good.
 *
 * Dead topic ids are the id of a tombstone, and every id under `topics/<topic>/` other than the one `topic.json`
 * names: ids of earlier incarnations of a topic deleted and created again, and ids whose creation lost a race.
 * They are found by a LIST of the topic's prefix, and purged once `purgeGraceMs` has passed since the deletion
 * (for an older id, since the creation of the topic that replaced it, which came after that deletion).
 *
 * Why a purge never deletes live data: `topic.json` is read before and after the LIST, and the topic is left
 * alone unless both reads return the same version. Writers only ever write under the id `topic.json` names, so
 * an object under another id that existed while `topic.json` did not change belongs to a dead id; the nonce in
 * every written object keeps a replaced `topic.json` from ever showing the same etag again.
 */
import { decodeJsonObject } from '../format/json-object.js';
import { readPartitionMeta } from '../log/partition-meta.js';
import { getWithRetries, listWithRetries } from '../log/store-reads.js';
import { validateName } from '../names.js';
import {
  afterTopicKeys,
  parseTopicFromKey,
  TOPICS_PREFIX,
  topicConfigKey,
  topicDataPrefix,
  topicPrefix,
} from '../store/keys.js';
import type { ListedObject, ObjectStore } from '../store/object-store.js';
import type { PartitionMaintenance } from './maintenance-result.js';

/** The fields of `topic.json` a purge needs (sdk/log/topics.ts writes it). */
interface StoredTopicHead {
  topicId: string;
  createdAt: number;
  deletedAt?: number;
}

export interface TopicPurgeOptions {
  /** The time (ms since the epoch) the grace period is judged at. */
  now: number;
  graceMs: number;
}

/** What a purge deleted under one dead topic id and partition. */
export interface PartitionPurge {
  topic: string;
  topicId: string;
  partition: number;
  deletedObjects: number;
  deletedBytes: number;
}

/**
 * Every topic name with objects in the store, deleted ones included, in key order. One LIST request per topic
 * (each skips past the previous topic's objects), as listTopics.
 */
export async function listAllTopicNames(store: ObjectStore): Promise<string[]> {
  const names: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const [first] = await listWithRetries(store, TOPICS_PREFIX, { startAfter, limit: 1 });
    if (first === undefined) return names;
    const name = parseTopicFromKey(first.key);
    if (name === null) return names;
    names.push(name);
    startAfter = afterTopicKeys(name);
  }
}

/**
 * Purges the dead topic ids of `name` whose grace period has passed. Costs two GETs (topic.json), one LIST per
 * topic id (skipping past the live id's objects) and one LIST per 1,000 objects of each dead id, plus one DELETE
 * per purged object. A purged id keeps its metas, so it costs a LIST on every later run.
 */
export async function purgeTopic(
  store: ObjectStore,
  name: string,
  options: TopicPurgeOptions,
): Promise<PartitionPurge[]> {
  validateName('topic', name);
  const before = await getWithRetries(store, topicConfigKey(name));
  // Objects without a topic.json come from a creation that never finished; without a time to judge the grace
  // period by, they are left alone.
  if (before === null) return [];
  const topic = decodeJsonObject<StoredTopicHead>('topic', before.body, topicConfigKey(name));
  const since = topic.deletedAt ?? topic.createdAt;
  if (!(options.now - since >= options.graceMs)) return [];
  const liveId = topic.deletedAt === undefined ? topic.topicId : null;

  const prefix = topicPrefix(name);
  const listed: ListedObject[] = [];
  for (const topicId of await listTopicIds(store, name)) {
    if (topicId !== liveId) listed.push(...(await listWithRetries(store, topicDataPrefix(name, topicId))));
  }
  const after = await getWithRetries(store, topicConfigKey(name));
  if (after?.etag !== before.etag) return [];

  const purged = new Map<string, PartitionPurge>();
  for (const object of listed) {
    const place = parsePlace(object.key.slice(prefix.length));
    if (place === null || place.rest === 'meta.json') continue;
    const outcome = await store.delete(object.key);
    if (outcome.kind !== 'done') continue;
    const id = `${place.topicId}/${place.partition}`;
    const entry = purged.get(id) ?? {
      topic: name,
      topicId: place.topicId,
      partition: place.partition,
      deletedObjects: 0,
      deletedBytes: 0,
    };
    entry.deletedObjects++;
    entry.deletedBytes += object.size;
    purged.set(id, entry);
  }
  return [...purged.values()];
}

/** Purges every deleted topic of the store (or the named ones) whose grace period has passed. */
export async function purgeDeletedTopics(
  store: ObjectStore,
  options: TopicPurgeOptions & { topics?: readonly string[] },
): Promise<PartitionPurge[]> {
  const names = options.topics ?? (await listAllTopicNames(store));
  const purged: PartitionPurge[] = [];
  for (const name of names) purged.push(...(await purgeTopic(store, name, options)));
  return purged;
}

/** The topic ids with objects under a topic's prefix: one LIST of one key per id, skipping past each id. */
async function listTopicIds(store: ObjectStore, name: string): Promise<string[]> {
  const prefix = topicPrefix(name);
  const ids: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const [first] = await listWithRetries(store, prefix, { startAfter, limit: 1 });
    if (first === undefined) return ids;
    const relative = first.key.slice(prefix.length);
    const slash = relative.indexOf('/');
    if (slash < 0) {
      // topic.json (or another object beside the ids): step over it.
      startAfter = first.key;
      continue;
    }
    const topicId = relative.slice(0, slash);
    ids.push(topicId);
    // Topic ids are ASCII, so this sorts after every key of the id and before the next id.
    startAfter = `${prefix}${topicId}/\u{10FFFF}`;
  }
}

/** `<topic id>/<partition>/<rest>` of a key under a topic's prefix, or null for any other key. */
function parsePlace(relative: string): { topicId: string; partition: number; rest: string } | null {
  const [topicId, digits, ...rest] = relative.split('/');
  if (topicId === undefined || digits === undefined || rest.length === 0) return null;
  if (!/^(0|[1-9][0-9]*)$/.test(digits)) return null;
  const partition = Number(digits);
  return Number.isSafeInteger(partition) ? { topicId, partition, rest: rest.join('/') } : null;
}

/** The purge as entries of a maintenance run's report, one per purged partition. */
export async function purgeReport(
  store: ObjectStore,
  options: TopicPurgeOptions & { topics?: readonly string[] },
): Promise<PartitionMaintenance[]> {
  const report: PartitionMaintenance[] = [];
  for (const purged of await purgeDeletedTopics(store, options)) {
    const ref = { topic: purged.topic, topicId: purged.topicId, partition: purged.partition };
    const logStart = (await readPartitionMeta(store, ref))?.meta.logStartOffset ?? 0n;
    report.push({
      topic: purged.topic,
      partition: purged.partition,
      outcome: 'purged',
      logStartBefore: logStart,
      logStartAfter: logStart,
      reason: null,
      deletedSegments: purged.deletedObjects,
      deletedBytes: purged.deletedBytes,
    });
  }
  return report;
}
