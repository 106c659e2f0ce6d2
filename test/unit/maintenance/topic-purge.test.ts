import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isKlogError } from '../../../sdk/errors.js';
import { readPartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { createTopic, deleteTopic } from '../../../sdk/log/topics.js';
import { runMaintenance } from '../../../sdk/maintenance/run-maintenance.js';
import { listAllTopicNames, purgeTopic } from '../../../sdk/maintenance/topic-purge.js';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { type PartitionRef, topicPrefix } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { appendBatches } from '../../helpers/append-batches.js';
import { recordsOf } from '../../helpers/log-fixtures.js';

const GRACE = 60_000;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function openStore(kind: 'memory' | 'filesystem'): Promise<ObjectStore> {
  if (kind === 'memory') return new MemoryObjectStore();
  const dir = await mkdtemp(join(tmpdir(), 'klog-purge-'));
  const store = new FileObjectStore(dir);
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

async function keysOf(store: ObjectStore, topic: string): Promise<string[]> {
  return (await store.list(topicPrefix(topic))).map((object) => object.key.slice(topicPrefix(topic).length));
}

/** A topic with two partitions and a few segments in each. */
async function filledTopic(store: ObjectStore, name: string): Promise<PartitionRef[]> {
  const topic = await createTopic(store, name, { partitions: 2 });
  const refs = [0, 1].map((partition) => ({ topic: name, topicId: topic.topicId, partition }));
  for (const ref of refs) await appendBatches(new PartitionWriter(store, ref), `${topic.topicId}`, 3, []);
  return refs;
}

async function readValues(store: ObjectStore, ref: PartitionRef): Promise<string[]> {
  const reader = new PartitionReader(store, ref);
  const end = await reader.latestOffset();
  const values: string[] = [];
  for (let offset = await reader.earliestOffset(); offset < end; ) {
    const result = await reader.read(offset);
    values.push(...result.records.map((record) => Buffer.from(record.value ?? []).toString()));
    offset = result.nextOffset;
  }
  return values;
}

describe.each(['memory', 'filesystem'] as const)('purge of deleted topics on the %s store', (kind) => {
  it('waits for the grace period, then deletes everything of the topic but its tombstones', async () => {
    const store = await openStore(kind);
    const refs = await filledTopic(store, 'gone');
    await deleteTopic(store, 'gone');
    const before = await keysOf(store, 'gone');

    const early = await runMaintenance(store, { purgeGraceMs: GRACE, now: Date.now() + GRACE / 2 });
    expect(early.filter((entry) => entry.outcome === 'purged')).toEqual([]);
    expect(await keysOf(store, 'gone')).toEqual(before);

    const report = await runMaintenance(store, { purgeGraceMs: GRACE, now: Date.now() + GRACE + 1 });
    const purged = report.filter((entry) => entry.outcome === 'purged');
    expect(purged.map((entry) => [entry.topic, entry.partition, entry.deletedSegments])).toEqual([
      ['gone', 0, 3],
      ['gone', 1, 3],
    ]);
    const id = refs[0]!.topicId;
    expect(await keysOf(store, 'gone')).toEqual([`${id}/0/meta.json`, `${id}/1/meta.json`, 'topic.json']);
    expect((await readPartitionMeta(store, refs[0]!))?.meta.sealed).toBe(true);

    // A writer that still holds the old partition cannot acknowledge anything: the sealed meta stayed.
    const late = new PartitionWriter(store, refs[0]!);
    const failure = await late
      .append({ records: recordsOf(['late']), producerId: 0n, baseSequence: -1 })
      .catch((error: unknown) => error);
    expect(isKlogError(failure, 'TOPIC_DELETED')).toBe(true);
    expect(await keysOf(store, 'gone')).toEqual([`${id}/0/meta.json`, `${id}/1/meta.json`, 'topic.json']);

    // A second run finds nothing more to delete.
    const again = await runMaintenance(store, { purgeGraceMs: GRACE, now: Date.now() + GRACE + 1 });
    expect(again.filter((entry) => entry.outcome === 'purged')).toEqual([]);
  });

  it('purges the old id of a topic created again, and the new topic never shows old records', async () => {
    const store = await openStore(kind);
    const [oldRef] = await filledTopic(store, 'again');
    await deleteTopic(store, 'again');
    // Kept forever, so that the maintenance run below leaves every new record in place.
    const topic = await createTopic(store, 'again', { partitions: 1, config: { retentionMs: -1 } });
    const ref = { topic: 'again', topicId: topic.topicId, partition: 0 };
    expect(topic.topicId).not.toBe(oldRef!.topicId);
    expect(await readValues(store, ref)).toEqual([]);
    await appendBatches(new PartitionWriter(store, ref), 'new', 2, []);
    const newValues = await readValues(store, ref);
    expect(newValues.every((value) => value.startsWith('new:'))).toBe(true);

    const report = await runMaintenance(store, { purgeGraceMs: GRACE, now: Date.now() + GRACE + 1 });
    expect(report.filter((entry) => entry.outcome === 'purged').map((entry) => entry.partition)).toEqual([0, 1]);
    const keys = await keysOf(store, 'again');
    expect(keys.filter((key) => key.startsWith(`${oldRef!.topicId}/`))).toEqual([
      `${oldRef!.topicId}/0/meta.json`,
      `${oldRef!.topicId}/1/meta.json`,
    ]);
    expect(await readValues(store, ref)).toEqual(newValues);
  });

  it('leaves a topic alone when topic.json changes while the purge lists it', async () => {
    const inner = await openStore(kind);
    await filledTopic(inner, 'racing');
    await deleteTopic(inner, 'racing');
    let recreated = false;
    // The topic is created again while the purge lists the old id's objects.
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        if (property !== 'list') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<ObjectStore['list']>) => {
          const listed = await target.list(...args);
          if (!recreated && args[1]?.limit === undefined) {
            recreated = true;
            await createTopic(target, 'racing', { partitions: 1 });
          }
          return listed;
        };
      },
    });
    const before = (await keysOf(inner, 'racing')).length;
    expect(await purgeTopic(store, 'racing', { now: Date.now() + GRACE + 1, graceMs: GRACE })).toEqual([]);
    expect(recreated).toBe(true);
    // Nothing was deleted; the new topic added its meta.
    expect((await keysOf(inner, 'racing')).length).toBe(before + 1);
  });

  it('lists deleted topics too', async () => {
    const store = await openStore(kind);
    await createTopic(store, 'live');
    await createTopic(store, 'dead');
    await deleteTopic(store, 'dead');
    expect(await listAllTopicNames(store)).toEqual(['dead', 'live']);
  });
});
