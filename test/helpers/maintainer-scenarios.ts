/**
 * A stalled maintainer in a separate OS process, shared by the filesystem (unit) and MinIO (integration) tests:
 * a maintenance run stops itself with SIGSTOP right after taking a partition's lease, before its destructive
 * steps. While it is stopped its lease expires, writers append, a newer run (this process) moves the log start
 * further and deletes below it, and writers append again. Resumed (with a clock that says its lease is still
 * valid), the stalled run must delete and overwrite nothing that the newer run or the writers wrote, and the log
 * start must not move backwards.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { readPartitionMeta } from '../../sdk/log/partition-meta.js';
import { PartitionWriter } from '../../sdk/log/partition-writer.js';
import { endOfLog } from '../../sdk/log/tail.js';
import { createTopic } from '../../sdk/log/topics.js';
import { runMaintenance } from '../../sdk/maintenance/run-maintenance.js';
import { parseSegmentKey } from '../../sdk/store/keys.js';
import { appendBatches } from './append-batches.js';
import { startChild } from './child-workers.js';
import { type Ack, expectLogInvariants } from './log-invariants.js';
import type { MaintainerChildConfig, MaintainerChildMessage } from './maintainer-child.js';
import { type ScenarioTarget, stoppedState } from './writer-scenarios.js';

const LEASE_MS = 1_000;

export async function stalledMaintainerScenario(target: ScenarioTarget): Promise<void> {
  const { store } = target;
  const name = `stalled-${Math.random().toString(36).slice(2, 10)}`;
  // The records are from 2023 (log-fixtures.ts): an hour of retention expires every segment but the newest.
  const topic = await createTopic(store, name, { partitions: 1, config: { retentionMs: 3_600_000 } });
  const ref = { topic: name, topicId: topic.topicId, partition: 0 };
  const writer = new PartitionWriter(store, ref);
  const acks: Ack[] = [];
  await appendBatches(writer, 'first', 4, acks);

  const config: MaintainerChildConfig = { url: target.url, topic: name, now: Date.now(), leaseMs: LEASE_MS };
  const stalled = await startChild<MaintainerChildMessage>(
    'test/helpers/maintainer-child.ts',
    [JSON.stringify(config)],
    target.env,
  );
  await stalled.waitFor((message) => message.type === 'paused');
  expect(await stoppedState(stalled.process.pid!), 'the maintainer process should be stopped').toBe('T');

  // Past the stalled run's lease on this process's clock: the newer run may take the lease over.
  await sleep(LEASE_MS + 250);
  await appendBatches(writer, 'second', 3, acks);
  const [newer] = await runMaintenance(store, { topics: [name], indexing: false });
  expect(newer?.outcome, 'the newer run should take the expired lease and do the work').toBe('done');
  const logStart = newer!.logStartAfter;
  expect(logStart).toBeGreaterThan(9n);
  await appendBatches(writer, 'third', 3, acks);
  const endBefore = await endOfLog(store, ref, logStart);

  stalled.process.kill('SIGCONT');
  expect((await stalled.exited).code, 'the stalled maintainer should exit normally').toBe(0);
  const done = await stalled.waitFor((message) => message.type === 'done');
  expect(done.type === 'done' && done.outcomes).toEqual(['lease-lost']);

  expect((await readPartitionMeta(store, ref))?.meta.logStartOffset, 'the log start moved backwards').toBe(logStart);
  for (const message of stalled.messages) {
    if (message.type === 'deleted') {
      const base = parseSegmentKey(ref, message.key);
      expect(base !== null && base < logStart, `the stalled run deleted ${message.key}`).toBe(true);
    }
    if (message.type === 'put') {
      expect(message.key.endsWith('/lease.json') || message.key.endsWith('/meta.json'), message.key).toBe(true);
    }
  }
  expect(await endOfLog(store, ref, logStart)).toBe(endBefore);
  await expectLogInvariants(
    store,
    ref,
    acks.filter((ack) => BigInt(ack.baseOffset) >= logStart),
  );
}
