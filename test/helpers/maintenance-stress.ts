/**
 * The maintenance stress scenario (issue 6): 4 writer processes and 2 consumer processes on one partition while
 * this process runs maintenance every second with retention, index objects and compaction (small segments, a
 * short grace period). Checks invariants 1-4 and that each consumer, reading from the beginning during
 * compaction, sees every retained record exactly once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { readPartitionMeta } from '../../sdk/log/partition-meta.js';
import { endOfLog } from '../../sdk/log/tail.js';
import { createTopic } from '../../sdk/log/topics.js';
import { type MaintenanceOptions, runMaintenance } from '../../sdk/maintenance/run-maintenance.js';
import { startChild } from './child-workers.js';
import type { LogReaderChildConfig, LogReaderChildMessage } from './log-reader-child.js';
import { expectReadableAcks } from './reader-invariants.js';
import { acksOf, startAppendWorker } from './worker-process.js';
import type { ScenarioTarget } from './writer-scenarios.js';

export interface StressShape {
  writers: number;
  consumers: number;
  batchesEach: number;
  recordsPerBatch: number;
  padTo: number;
  /** The partition is trimmed to about this many bytes by retention. */
  retentionBytes: number;
}

export async function maintenanceStressScenario(target: ScenarioTarget, shape: StressShape): Promise<void> {
  const { store } = target;
  const name = `stress-${Math.random().toString(36).slice(2, 10)}`;
  const topic = await createTopic(store, name, {
    partitions: 1,
    config: { retentionMs: -1, retentionBytes: shape.retentionBytes },
  });
  const ref = { topic: name, topicId: topic.topicId, partition: 0 };
  const maintenance: MaintenanceOptions = {
    topics: [name],
    indexMinSegments: 4,
    compaction: true,
    compactionTargetBytes: 8 * 1024,
    graceMs: 500,
  };

  const readers = await Promise.all(
    Array.from({ length: shape.consumers }, () => {
      const config: LogReaderChildConfig = { url: target.url, ref };
      return startChild<LogReaderChildMessage>(
        'test/helpers/log-reader-child.ts',
        [JSON.stringify(config)],
        target.env,
      );
    }),
  );
  const writers = await Promise.all(
    Array.from({ length: shape.writers }, (_, index) =>
      startAppendWorker(
        {
          url: target.url,
          ref,
          name: `writer${index}`,
          batches: shape.batchesEach,
          recordsPerBatch: shape.recordsPerBatch,
          padTo: shape.padTo,
        },
        target.env,
      ),
    ),
  );

  // Maintenance every second until the writers are done; the log start and end are sampled after every run.
  let writing = true;
  const written = Promise.all(writers.map((writer) => writer.exited)).finally(() => {
    writing = false;
  });
  const logStarts: bigint[] = [];
  const logEnds: bigint[] = [];
  let runs = 0;
  let compacted = 0;
  while (writing) {
    const report = await runMaintenance(store, maintenance);
    runs++;
    for (const entry of report) compacted += entry.indexing?.dataSegmentsWritten ?? 0;
    const meta = await readPartitionMeta(store, ref);
    logStarts.push(meta!.meta.logStartOffset);
    logEnds.push(await endOfLog(store, ref, meta!.meta.logStartOffset, undefined, meta!.meta.indexedEndOffset));
    await Promise.race([written, sleep(1_000)]);
  }
  await written;
  // One more run after the grace period, so that compacted originals are deleted too.
  await sleep(600);
  await runMaintenance(store, maintenance);
  const finalMeta = (await readPartitionMeta(store, ref))!.meta;
  const end = await endOfLog(store, ref, finalMeta.logStartOffset, undefined, finalMeta.indexedEndOffset);
  for (const reader of readers) reader.send({ type: 'finish', end: end.toString() });
  const exits = await Promise.all(readers.map((reader) => reader.exited));
  for (const exit of exits) expect(exit.code, `a consumer process failed: ${exit.stderr}`).toBe(0);

  // Invariant 4: the log start and the log end never move backwards; nothing acknowledged is missing above the
  // log start (invariants 1-3 over what a reader sees, compacted segments included).
  expect(runs).toBeGreaterThan(1);
  expect(logStarts).toEqual([...logStarts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  expect(logEnds).toEqual([...logEnds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  expect(finalMeta.logStartOffset, 'retention should have moved the log start').toBeGreaterThan(0n);
  expect(finalMeta.indexedEndOffset, 'maintenance should have written index objects').toBeGreaterThan(0n);
  expect(compacted, 'compaction should have merged segments while the consumers read').toBeGreaterThan(0);
  for (const writer of writers) {
    expect(writer.events.filter((event) => event.type === 'error')).toEqual([]);
  }
  const acks = writers.flatMap(acksOf);
  expect(acks).toHaveLength(shape.writers * shape.batchesEach);
  const retained = acks.filter((ack) => BigInt(ack.baseOffset) >= finalMeta.logStartOffset);
  const records = await expectReadableAcks(store, ref, retained);
  const retainedValues = new Set(retained.flatMap((ack) => ack.values));
  expect(records.filter((record) => retainedValues.has(record.value))).toHaveLength(retainedValues.size);

  // Each consumer saw every retained record exactly once, in offset order.
  for (const reader of readers) {
    const offsets: bigint[] = [];
    const values: string[] = [];
    for (const message of reader.messages) {
      if (message.type !== 'records') continue;
      offsets.push(...message.offsets.map(BigInt));
      values.push(...message.values);
    }
    for (let index = 1; index < offsets.length; index++) {
      expect(offsets[index]!, 'a consumer went backwards or read an offset twice').toBeGreaterThan(offsets[index - 1]!);
    }
    expect(new Set(values).size, 'a consumer saw a record twice').toBe(values.length);
    const seen = new Set(values);
    const missing = [...retainedValues].filter((value) => !seen.has(value));
    expect(missing, 'a consumer missed retained records').toEqual([]);
  }
}
