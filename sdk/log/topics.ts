/**
 * Topics (design brief §3, §7): `topic.json` holds a topic's id, partition count and config. It is created
 * with `If-None-Match: *` and changed with `If-Match`. Deleting a topic seals every partition's meta first,
 * so a writer with a stale view cannot acknowledge records into it, and then turns `topic.json` into a
 * tombstone. The tombstone (and the sealed metas) stay behind: they are what stops a late writer. A topic
 * created again under the same name gets a new id, so it never shows the old topic's records.
 */
import { randomUUID } from 'node:crypto';
import { topicDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import { decodeJsonObject, encodeJsonObject } from '../format/json-object.js';
import { validateName } from '../names.js';
import {
  afterTopicKeys,
  type PartitionRef,
  parseTopicFromKey,
  partitionMetaKey,
  TOPICS_PREFIX,
  topicConfigKey,
} from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { ensureClusterMarker } from './cluster-marker.js';
import { encodePartitionMeta, initialPartitionMeta, updatePartitionMeta } from './partition-meta.js';
import { getWithRetries, listWithRetries } from './store-reads.js';

export interface TopicConfig {
  /** Records older than this are removed by retention; -1 keeps them forever. */
  retentionMs: number;
  /** A partition is trimmed to about this many bytes by retention; -1 means no limit. */
  retentionBytes: number;
  /** Largest record a producer may send, as Kafka's `max.message.bytes`. */
  maxMessageBytes: number;
}

export interface TopicDescription {
  name: string;
  topicId: string;
  partitions: number;
  config: TopicConfig;
  createdAt: number;
}

interface StoredTopic extends TopicDescription {
  /** Set on a deleted topic's tombstone. */
  deletedAt?: number;
}

export interface CreateTopicOptions {
  partitions?: number;
  config?: Partial<TopicConfig>;
}

/** Kafka allows far more, but each partition is polled and written separately: keep accidents cheap. */
export const MAX_PARTITIONS = 10_000;

export function partitionRefs(topic: TopicDescription): PartitionRef[] {
  return Array.from({ length: topic.partitions }, (_, partition) => ({
    topic: topic.name,
    topicId: topic.topicId,
    partition,
  }));
}

async function readStoredTopic(store: ObjectStore, name: string): Promise<{ topic: StoredTopic; etag: string } | null> {
  const key = topicConfigKey(name);
  const object = await getWithRetries(store, key);
  if (object === null) return null;
  return { topic: decodeJsonObject<StoredTopic>('topic', object.body, key), etag: object.etag };
}

/** The live topic, or null when it does not exist or was deleted. */
export async function getTopic(store: ObjectStore, name: string): Promise<TopicDescription | null> {
  validateName('topic', name);
  const stored = await readStoredTopic(store, name);
  if (stored === null || stored.topic.deletedAt !== undefined) return null;
  return describe(stored.topic);
}

export async function requireTopic(store: ObjectStore, name: string): Promise<TopicDescription> {
  const topic = await getTopic(store, name);
  if (topic === null) {
    throw new KlogError('TOPIC_NOT_FOUND', `Topic "${name}" does not exist. Create it first (createTopic).`, {
      context: { topic: name },
    });
  }
  return topic;
}

export async function createTopic(
  store: ObjectStore,
  name: string,
  options: CreateTopicOptions = {},
): Promise<TopicDescription> {
  validateName('topic', name);
  const partitions = options.partitions ?? topicDefaults.partitions;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `Topic "${name}": partitions must be an integer from 1 to ${MAX_PARTITIONS}, got ${partitions}.`,
      { context: { topic: name } },
    );
  }
  const config = validateConfig(name, { ...defaultConfig(), ...options.config });
  await ensureClusterMarker(store);

  const existing = await readStoredTopic(store, name);
  if (existing !== null && existing.topic.deletedAt === undefined) throw alreadyExists(name);

  const topic: TopicDescription = { name, topicId: randomUUID(), partitions, config, createdAt: Date.now() };
  // Partition metas go first, under the new topic id, so that anyone who can see the topic can also see
  // its partitions. If another process wins the race for topic.json, these metas are never referenced.
  await Promise.all(
    partitionRefs(topic).map(async (ref) => {
      const outcome = await store.put(partitionMetaKey(ref), encodePartitionMeta(initialPartitionMeta), {
        ifNoneMatch: '*',
      });
      if (outcome.kind !== 'done' && outcome.kind !== 'precondition-failed') throw unknownOutcome(name, outcome.kind);
    }),
  );
  const condition = existing === null ? ({ ifNoneMatch: '*' } as const) : { ifMatch: existing.etag };
  const outcome = await store.put(topicConfigKey(name), encodeJsonObject('topic', topic), condition);
  if (outcome.kind === 'done') return topic;
  if (outcome.kind === 'precondition-failed' || outcome.kind === 'not-found' || outcome.kind === 'conflict') {
    // Someone else created (or deleted and recreated) the topic at the same moment.
    const now = await getTopic(store, name);
    if (now?.topicId === topic.topicId) return topic;
    throw alreadyExists(name);
  }
  // The write may have landed: look before answering.
  const now = await getTopic(store, name);
  if (now?.topicId === topic.topicId) return topic;
  if (now !== null) throw alreadyExists(name);
  throw unknownOutcome(name, outcome.kind);
}

/** Live topics in name order. One LIST request per topic (each skips past the previous topic's objects). */
export async function listTopics(store: ObjectStore): Promise<string[]> {
  const names: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const [first] = await listWithRetries(store, TOPICS_PREFIX, { startAfter, limit: 1 });
    if (first === undefined) break;
    const name = parseTopicFromKey(first.key);
    if (name === null) break;
    if ((await getTopic(store, name)) !== null) names.push(name);
    startAfter = afterTopicKeys(name);
  }
  // Key order differs from name order where a name continues with a character below '/' ("a.b" before "a").
  return names.sort();
}

/**
 * Seals every partition, then leaves a tombstone in topic.json. Returns false when there was no such topic.
 * Purging the deleted topic's segments is the maintenance run's job.
 */
export async function deleteTopic(store: ObjectStore, name: string): Promise<boolean> {
  validateName('topic', name);
  for (let attempt = 0; attempt < 16; attempt++) {
    const stored = await readStoredTopic(store, name);
    if (stored === null || stored.topic.deletedAt !== undefined) return false;
    await Promise.all(
      partitionRefs(stored.topic).map((ref) => updatePartitionMeta(store, ref, (meta) => ({ ...meta, sealed: true }))),
    );
    const tombstone: StoredTopic = { ...stored.topic, deletedAt: Date.now() };
    const outcome = await store.put(topicConfigKey(name), encodeJsonObject('topic', tombstone), {
      ifMatch: stored.etag,
    });
    if (outcome.kind === 'done') return true;
    // Lost a race (a config change, or another delete): read again and repeat; sealing is idempotent.
  }
  throw unknownOutcome(name, 'retries exhausted');
}

/**
 * Grows a topic to `partitions` partitions (Kafka never shrinks a topic). The new partitions' metas are
 * created first, then topic.json is replaced with `If-Match`; keyed records map to other partitions afterwards.
 */
export async function createPartitions(
  store: ObjectStore,
  name: string,
  partitions: number,
): Promise<TopicDescription> {
  return changeTopic(store, name, async (topic) => {
    if (!Number.isInteger(partitions) || partitions <= topic.partitions || partitions > MAX_PARTITIONS) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `Topic "${name}" has ${topic.partitions} partitions; the new count must be an integer above that and at ` +
          `most ${MAX_PARTITIONS}, got ${partitions}. Partitions can be added, never removed.`,
        { context: { topic: name } },
      );
    }
    const grown = { ...topic, partitions };
    await Promise.all(
      partitionRefs(grown)
        .slice(topic.partitions)
        .map(async (ref) => {
          const outcome = await store.put(partitionMetaKey(ref), encodePartitionMeta(initialPartitionMeta), {
            ifNoneMatch: '*',
          });
          if (outcome.kind !== 'done' && outcome.kind !== 'precondition-failed')
            throw unknownOutcome(name, outcome.kind);
        }),
    );
    return grown;
  });
}

/** Changes a topic's config (retention, maximum message size); fields left out keep their values. */
export async function alterTopicConfig(
  store: ObjectStore,
  name: string,
  changes: Partial<TopicConfig>,
): Promise<TopicDescription> {
  return changeTopic(store, name, async (topic) => ({
    ...topic,
    config: validateConfig(name, { ...topic.config, ...changes }),
  }));
}

/** Replaces a live topic's topic.json with `If-Match`, re-reading and re-applying on a lost race. */
async function changeTopic(
  store: ObjectStore,
  name: string,
  change: (topic: TopicDescription) => Promise<TopicDescription>,
): Promise<TopicDescription> {
  validateName('topic', name);
  for (let attempt = 0; attempt < 16; attempt++) {
    const stored = await readStoredTopic(store, name);
    if (stored === null || stored.topic.deletedAt !== undefined) {
      throw new KlogError('TOPIC_NOT_FOUND', `Topic "${name}" does not exist.`, { context: { topic: name } });
    }
    const next = await change(describe(stored.topic));
    const outcome = await store.put(topicConfigKey(name), encodeJsonObject('topic', next), { ifMatch: stored.etag });
    if (outcome.kind === 'done') return next;
  }
  throw unknownOutcome(name, 'retries exhausted');
}

function defaultConfig(): TopicConfig {
  return {
    retentionMs: topicDefaults.retentionMs,
    retentionBytes: topicDefaults.retentionBytes,
    maxMessageBytes: topicDefaults.maxMessageBytes,
  };
}

function validateConfig(topic: string, config: TopicConfig): TopicConfig {
  const checks: [keyof TopicConfig, boolean][] = [
    ['retentionMs', Number.isInteger(config.retentionMs) && (config.retentionMs === -1 || config.retentionMs > 0)],
    [
      'retentionBytes',
      Number.isInteger(config.retentionBytes) && (config.retentionBytes === -1 || config.retentionBytes > 0),
    ],
    ['maxMessageBytes', Number.isInteger(config.maxMessageBytes) && config.maxMessageBytes > 0],
  ];
  for (const [field, ok] of checks) {
    if (!ok) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `Topic "${topic}": ${field} must be a positive integer${field === 'maxMessageBytes' ? '' : ' or -1'}, got ${config[field]}.`,
        { context: { topic, field } },
      );
    }
  }
  return config;
}

function describe(stored: StoredTopic): TopicDescription {
  const { name, topicId, partitions, config, createdAt } = stored;
  return { name, topicId, partitions, config, createdAt };
}

function alreadyExists(name: string): KlogError {
  return new KlogError('TOPIC_ALREADY_EXISTS', `Topic "${name}" already exists.`, { context: { topic: name } });
}

function unknownOutcome(name: string, what: string): KlogError {
  return new KlogError('UNKNOWN_OUTCOME', `Could not confirm the change to topic "${name}" (${what}); try again.`, {
    context: { topic: name },
  });
}
