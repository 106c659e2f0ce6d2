/**
 * More frozen-writer scenarios (writer-scenarios.ts has the ones where the writer stops after its PUT): a writer
 * process stops itself with SIGSTOP just before its PUT at its cached tail T. Meanwhile the key of T becomes free
 * again: the idle partition's old segments expire (retention deletes everything but the newest segment), or the
 * segment at T is compacted into a `data/` segment and its original deleted after the grace period. Resumed, the
 * writer's PUT at T succeeds; it must acknowledge nothing there, nothing below the log start, and the log end
 * must never move backwards.
 */
import { expect } from 'vitest';
import { PartitionReader } from '../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../sdk/log/partition-writer.js';
import { endOfLog } from '../../sdk/log/tail.js';
import { createTopic } from '../../sdk/log/topics.js';
import { runMaintenance } from '../../sdk/maintenance/run-maintenance.js';
import { appendBatches } from './append-batches.js';
import type { Ack } from './log-invariants.js';
import { expectReadableAcks } from './reader-invariants.js';
import { acksOf, startAppendWorker } from './worker-process.js';
import { type ScenarioTarget, stoppedState } from './writer-scenarios.js';

export async function frozenBeforePutScenario(
  target: ScenarioTarget,
  meanwhile: 'idle-expiry' | 'compaction',
): Promise<void> {
  const { store } = target;
  const name = `frozen-${Math.random().toString(36).slice(2, 10)}`;
  // The records are from 2023 (log-fixtures.ts), so an hour of retention expires every segment but the newest.
  const retentionMs = meanwhile === 'idle-expiry' ? 3_600_000 : -1;
  const topic = await createTopic(store, name, { partitions: 1, config: { retentionMs } });
  const ref = { topic: name, topicId: topic.topicId, partition: 0 };
  const local = new PartitionWriter(store, ref);
  const localAcks: Ack[] = [];
  await appendBatches(local, 'local', 2, localAcks);
  const worker = await startAppendWorker(
    { url: target.url, ref, name: 'frozen', batches: 3, recordsPerBatch: 2, pauseBeforePutOfBatch: 1 },
    target.env,
  );
  const paused = await worker.next('paused');
  expect(await stoppedState(worker.child.pid!), 'the writer process should be stopped').toBe('T');
  const frozenKey = paused.type === 'paused' ? paused.key : '';

  if (meanwhile === 'idle-expiry') {
    // Another writer fills the key the frozen one is about to write, then the partition goes idle and expires.
    await appendBatches(local, 'local-more', 3, localAcks);
    await runMaintenance(store, { topics: [name], indexing: false });
  } else {
    await appendBatches(local, 'local-more', 12, localAcks, 2);
    const options = { topics: [name], indexMinSegments: 2, graceMs: 0, compactionTargetBytes: 1024 * 1024 };
    await runMaintenance(store, options);
    await runMaintenance(store, { ...options, now: Date.now() + 60_000 });
  }
  expect(await store.get(frozenKey), 'the key the frozen writer is about to write should be free').toBeNull();
  const endBefore = await endOfLog(store, ref, 0n);

  worker.child.kill('SIGCONT');
  await worker.exited;
  expect(worker.events.filter((event) => event.type === 'error')).toEqual([]);
  const workerAcks = acksOf(worker);
  expect(workerAcks.map((ack) => ack.baseSequence)).toEqual([0, 2, 4]);
  for (const ack of workerAcks.slice(1)) {
    expect(
      BigInt(ack.baseOffset),
      'the resumed writer acknowledged below the log end it was stopped at',
    ).toBeGreaterThanOrEqual(endBefore);
  }
  const endAfter = await endOfLog(store, ref, 0n);
  expect(endAfter).toBeGreaterThan(endBefore);
  const logStart = await new PartitionReader(store, ref).earliestOffset();
  const retained = [...localAcks, ...workerAcks].filter((ack) => BigInt(ack.baseOffset) >= logStart);
  await expectReadableAcks(store, ref, retained);
}
