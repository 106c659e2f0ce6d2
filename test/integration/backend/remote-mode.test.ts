import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerProcess, startBrokerProcess } from '../../../bench/broker-process.js';
import { DirectBackend } from '../../../sdk/backend/direct-backend.js';
import { readGroupDescription } from '../../../sdk/group/group-description.js';
import { partitionRefs, type TopicDescription } from '../../../sdk/log/topics.js';
import type { S3ObjectStore } from '../../../sdk/store/s3-object-store.js';
import { type ChildWorker, killRunningChildren, startChild } from '../../helpers/child-workers.js';
import { runKlog } from '../../helpers/cli-process.js';
import { eventually, tally } from '../../helpers/group-fixture.js';
import type { GroupChildConfig, GroupChildMessage } from '../../helpers/group-member-child.js';
import { type Ack, expectLogInvariants } from '../../helpers/log-invariants.js';
import type { RemoteAppendConfig, RemoteAppendMessage } from '../../helpers/remote-append-child.js';
import { testS3Target } from '../../helpers/s3-test-store.js';

const PRODUCER = 'test/helpers/remote-append-child.ts';
const MEMBER = 'test/helpers/group-member-child.ts';

type Producer = ChildWorker<RemoteAppendMessage>;
type Member = ChildWorker<GroupChildMessage>;

describe('remote mode: klog broker start in child processes on MinIO', () => {
  let target: { store: S3ObjectStore; url: string; env: NodeJS.ProcessEnv };
  const brokers: BrokerProcess[] = [];

  beforeAll(() => {
    target = testS3Target('remote');
  });

  afterEach(async () => {
    killRunningChildren();
    await Promise.all(brokers.splice(0).map((broker) => broker.stop()));
  });

  afterAll(async () => {
    await target.store.close();
  });

  async function broker(): Promise<BrokerProcess> {
    const started = await startBrokerProcess({ storeUrl: target.url, env: target.env });
    brokers.push(started);
    return started;
  }

  function producer(url: string, config: Omit<RemoteAppendConfig, 'url'>): Promise<Producer> {
    return startChild<RemoteAppendMessage>(PRODUCER, [JSON.stringify({ url, ...config })]);
  }

  /** Waits for a producer to finish; fails the test with its error if it reported one. */
  async function finished(worker: Producer): Promise<void> {
    const last = await worker.waitFor((message) => message.type === 'done' || message.type === 'error');
    if (last.type === 'error') throw new Error(`a producer failed with ${last.code}: ${last.message}`);
  }

  function acks(workers: readonly Producer[], partition: number): Ack[] {
    return workers.flatMap((worker) =>
      worker.messages.flatMap((message) =>
        message.type === 'ack' && message.partition === partition ? [message] : [],
      ),
    );
  }

  async function expectInvariants(topic: TopicDescription, workers: readonly Producer[], perPartition: number) {
    for (const ref of partitionRefs(topic)) {
      const partitionAcks = acks(workers, ref.partition);
      expect(partitionAcks).toHaveLength(perPartition);
      const batches = await expectLogInvariants(target.store, ref, partitionAcks);
      // Nothing but the acknowledged batches: no gaps filled by strays, no duplicates.
      expect(batches).toHaveLength(perPartition);
    }
  }

  it('takes 3 producer processes and a group of 2 member processes, all remote: invariants hold, each record read once', async () => {
    const { url } = await broker();
    const created = await runKlog(['topic', 'create', 'orders', '--partitions', '4', '--url', url]);
    expect(created.code, created.stderr).toBe(0);
    const topic = (await new DirectBackend(target.store).getTopic('orders'))!;

    const members: Member[] = [];
    for (const name of ['m1', 'm2']) {
      const config: GroupChildConfig = {
        url,
        name,
        group: 'orders-group',
        topic: 'orders',
        // Generous for a loaded machine: an expired member would make a second delivery legitimate.
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 1_000,
        autoCommitInterval: 200,
        handleDelayMs: 0,
      };
      members.push(await startChild<GroupChildMessage>(MEMBER, [JSON.stringify(config)]));
    }
    await Promise.all(members.map((member) => member.waitFor((message) => message.type === 'running')));
    // Produce only once both members own partitions: otherwise the first member to join may read every record
    // before the second one's assignment lands, and "the two members shared the partitions" would say nothing.
    const groups = new DirectBackend(target.store).groups;
    await eventually(async () => {
      const description = await readGroupDescription(groups, 'orders-group');
      const names = description.members.map((member) => member.clientId).sort();
      return (
        description.state === 'Stable' &&
        JSON.stringify(names) === '["m1","m2"]' &&
        description.members.every((member) => member.owned.length > 0)
      );
    }, 'a stable group of m1 and m2');

    const batches = 10;
    const recordsPerBatch = 5;
    const producers = await Promise.all(
      ['p1', 'p2', 'p3'].map((name) => producer(url, { refs: partitionRefs(topic), name, batches, recordsPerBatch })),
    );
    await Promise.all(producers.map(finished));
    await expectInvariants(topic, producers, 3 * batches);

    const produced = producers.flatMap((worker) =>
      worker.messages.flatMap((message) => (message.type === 'ack' ? message.values : [])),
    );
    const handled = () =>
      members.flatMap((member) => member.messages.flatMap((message) => (message.type === 'handled' ? [message] : [])));
    await eventually(() => tally(handled(), produced).missing.length === 0, 'every record handled');
    const { missing, duplicates } = tally(handled(), produced);
    expect(missing).toEqual([]);
    const lostMembership = members.some((member) =>
      member.messages.some(
        (message) =>
          message.type === 'log' && /Lost the consumer-group membership|Removed a member/.test(message.message),
      ),
    );
    expect(lostMembership, 'a member lost its membership on this loaded machine').toBe(false);
    expect(duplicates).toEqual([]);
    // The two members shared the partitions.
    expect(new Set(handled().map((entry) => entry.name))).toEqual(new Set(['m1', 'm2']));
  });

  it('lets two broker processes serve one topic at once, producers split between them: no gaps, no duplicates', async () => {
    const [first, second] = await Promise.all([broker(), broker()]);
    const created = await runKlog(['topic', 'create', 'split', '--partitions', '2', '--url', first!.url]);
    expect(created.code, created.stderr).toBe(0);
    const topic = (await new DirectBackend(target.store).getTopic('split'))!;

    const batches = 15;
    const producers = await Promise.all(
      ['a1', 'a2', 'b1', 'b2'].map((name) =>
        producer(name.startsWith('a') ? first!.url : second!.url, {
          refs: partitionRefs(topic),
          name,
          batches,
          recordsPerBatch: 4,
        }),
      ),
    );
    await Promise.all(producers.map(finished));
    await expectInvariants(topic, producers, 4 * batches);

    // The CLI reads the whole topic back through the second broker.
    const consumed = await runKlog(['consume', 'split', '--from-beginning', '--exit-at-end', '--url', second!.url], {
      timeoutMs: 60_000,
    });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toHaveLength(2 * 4 * batches * 4);
  });
});
