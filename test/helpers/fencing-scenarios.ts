/**
 * The fenced-producer scenario in separate OS processes, shared by the filesystem (unit) and MinIO (integration)
 * tests: producer A (fencing id f) sends and stops itself with SIGSTOP; producer B (same fencing id) takes the
 * partition over and sends; A resumes and sends again. A must fail with FENCED, and none of its later records may
 * be in the log; B's are.
 */
import { expect } from 'vitest';
import { PartitionReader } from '../../sdk/log/partition-reader.js';
import { createTopic } from '../../sdk/log/topics.js';
import { startChild } from './child-workers.js';
import type { FencedProducerConfig, FencedProducerMessage } from './fenced-producer-child.js';
import type { ScenarioTarget } from './writer-scenarios.js';
import { stoppedState } from './writer-scenarios.js';

const childEntry = 'test/helpers/fenced-producer-child.ts';

function startProducer(target: ScenarioTarget, config: Omit<FencedProducerConfig, 'url'>) {
  return startChild<FencedProducerMessage>(childEntry, [JSON.stringify({ ...config, url: target.url })], target.env);
}

export async function fencedProducerScenario(target: ScenarioTarget): Promise<void> {
  const topicName = `fenced-${Math.random().toString(36).slice(2, 10)}`;
  const topic = await createTopic(target.store, topicName, { partitions: 1 });
  const ref = { topic: topicName, topicId: topic.topicId, partition: 0 };
  const common = { topic: topicName, fencingId: 'orders-writer' };

  const first = await startProducer(target, { ...common, name: 'A', first: 2, afterPause: 2, pause: true });
  await first.waitFor((message) => message.type === 'paused');
  expect(await stoppedState(first.process.pid!), 'producer A should be stopped').toBe('T');

  const second = await startProducer(target, { ...common, name: 'B', first: 3, afterPause: 0, pause: false });
  expect((await second.exited).code, 'producer B should exit normally').toBe(0);
  first.process.kill('SIGCONT');
  expect((await first.exited).code, 'producer A should exit normally').toBe(0);

  const sentBy = (messages: readonly FencedProducerMessage[]) =>
    messages.flatMap((message) => (message.type === 'sent' ? [message.value] : []));
  expect(sentBy(first.messages)).toEqual(['A:0', 'A:1']);
  expect(sentBy(second.messages)).toEqual(['B:0', 'B:1', 'B:2']);
  const failures = first.messages.flatMap((message) => (message.type === 'failed' ? [message] : []));
  expect(failures.map((failure) => [failure.value, failure.code, failure.retriable])).toEqual([
    ['A:2', 'FENCED', false],
    ['A:3', 'FENCED', false],
  ]);
  expect(failures[0]?.message).toContain('another writer with fencing id "orders-writer"');

  const reader = new PartitionReader(target.store, ref);
  const end = await reader.latestOffset();
  const values: string[] = [];
  for (let offset = await reader.earliestOffset(); offset < end; ) {
    const result = await reader.read(offset);
    values.push(...result.records.map((record) => Buffer.from(record.value ?? []).toString()));
    offset = result.nextOffset;
  }
  expect(values).toEqual(['A:0', 'A:1', 'B:0', 'B:1', 'B:2']);
}
