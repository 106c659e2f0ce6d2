/**
 * The log's invariant scenarios under real concurrency, shared by the filesystem (unit) and MinIO
 * (integration) tests: writers in several OS processes plus in-process writers on one partition, and a
 * writer frozen with SIGSTOP across retention or topic deletion.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { updatePartitionMeta } from '../../sdk/log/partition-meta.js';
import { PartitionWriter } from '../../sdk/log/partition-writer.js';
import { listSegments } from '../../sdk/log/segment-list.js';
import { endOfLog } from '../../sdk/log/tail.js';
import { deleteTopic } from '../../sdk/log/topics.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';
import { appendBatches } from './append-batches.js';
import { topicWithOnePartition } from './log-fixtures.js';
import { type Ack, expectLogInvariants } from './log-invariants.js';
import { acksOf, startAppendWorker } from './worker-process.js';

export interface ScenarioTarget {
  /** The store the test process uses. */
  store: ObjectStore;
  /** The URL child processes open to reach the same data. */
  url: string;
  /** Extra environment for child processes (S3 endpoint and credentials). */
  env?: NodeJS.ProcessEnv;
}

export async function concurrentWritersScenario(
  target: ScenarioTarget,
  shape: { processes: number; inProcess: number; batchesEach: number; recordsPerBatch: number; padTo: number },
): Promise<void> {
  const { store } = target;
  const { ref } = await topicWithOnePartition(store);
  const workers = await Promise.all(
    Array.from({ length: shape.processes }, (_, index) =>
      startAppendWorker(
        {
          url: target.url,
          ref,
          name: `process${index}`,
          batches: shape.batchesEach,
          recordsPerBatch: shape.recordsPerBatch,
          padTo: shape.padTo,
        },
        target.env,
      ),
    ),
  );
  const localAcks: Ack[] = [];
  await Promise.all([
    ...workers.map((worker) => worker.exited),
    ...Array.from({ length: shape.inProcess }, (_, index) =>
      appendBatches(
        new PartitionWriter(store, ref),
        `local${index}`,
        shape.batchesEach,
        localAcks,
        shape.recordsPerBatch,
        shape.padTo,
      ),
    ),
  ]);
  for (const worker of workers) {
    expect(
      worker.events.filter((event) => event.type === 'error'),
      'a writer process failed',
    ).toEqual([]);
  }
  const acks = [...localAcks, ...workers.flatMap(acksOf)];
  const expected = (shape.processes + shape.inProcess) * shape.batchesEach;
  expect(acks).toHaveLength(expected);
  const batches = await expectLogInvariants(store, ref, acks);
  expect(batches).toHaveLength(expected);
}

/** Reads a process's state letter from /proc (T: stopped). */
async function processState(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** The process reports "paused" just before it stops itself: wait (bounded) until the kernel shows it stopped. */
export async function stoppedState(pid: number): Promise<string> {
  let state = await processState(pid);
  for (let attempt = 0; attempt < 100 && state !== 'T'; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    state = await processState(pid);
  }
  return state;
}

/**
 * A writer process stops itself with SIGSTOP right after its segment PUT succeeded, before its meta check.
 * Meanwhile the log start moves past its offset and the segment is deleted (retention), or the topic is
 * deleted. Resumed, it must acknowledge nothing below the log start and nothing into the deleted topic.
 */
export async function frozenWriterScenario(
  target: ScenarioTarget,
  meanwhile: 'retention' | 'topic-deletion',
): Promise<void> {
  const { store } = target;
  const { ref } = await topicWithOnePartition(store);
  const local = new PartitionWriter(store, ref);
  const localAcks: Ack[] = [];
  await appendBatches(local, 'local', 2, localAcks);
  const worker = await startAppendWorker(
    { url: target.url, ref, name: 'frozen', batches: 3, recordsPerBatch: 2, pauseAfterPutOfBatch: 1 },
    target.env,
  );
  const paused = await worker.next('paused');
  expect(await stoppedState(worker.child.pid!), 'the writer process should be stopped').toBe('T');
  const frozenKey = paused.type === 'paused' ? paused.key : '';

  let logStart = 0n;
  if (meanwhile === 'retention') {
    await appendBatches(local, 'local-more', 2, localAcks);
    logStart = await endOfLog(store, ref, 0n);
    await updatePartitionMeta(store, ref, (meta) => ({ ...meta, logStartOffset: logStart }));
    // Retention deletes after moving the log start, and never the newest segment.
    const segments = await listSegments(store, ref);
    for (const segment of segments.slice(0, -1)) await store.delete(segment.key);
    expect(await store.get(frozenKey), 'the frozen writer\'s segment should be deleted by "retention"').toBeNull();
  } else {
    await deleteTopic(store, ref.topic);
  }

  worker.child.kill('SIGCONT');
  await worker.exited;
  const acks = acksOf(worker);
  const frozenAck = acks.find((ack) => ack.baseSequence === 2);
  if (meanwhile === 'retention') {
    // The batch written below the moved log start was not acknowledged there; the writer rediscovered the
    // tail and appended it again above the log start.
    expect(frozenAck, 'the resumed writer should append at the rediscovered tail').toBeDefined();
    expect(BigInt(frozenAck!.baseOffset)).toBeGreaterThanOrEqual(logStart);
    await expectLogInvariants(
      store,
      ref,
      acks.filter((ack) => BigInt(ack.baseOffset) >= logStart),
    );
    expect(await endOfLog(store, ref, logStart)).toBeGreaterThan(logStart);
  } else {
    expect(frozenAck, 'a writer resumed after topic deletion acknowledged a batch').toBeUndefined();
    expect(worker.events).toContainEqual(expect.objectContaining({ type: 'error', code: 'TOPIC_DELETED' }));
    expect(await store.get(frozenKey), 'the orphan segment should be deleted').toBeNull();
  }
}
