/**
 * A live consumer-group member in the test process, for the group commands to find: short heartbeats, so that the
 * CLI tells it is alive within a fraction of a second. `startLiveMember` resolves once the group is stable with
 * the topic's partitions assigned to it.
 */
import type { Klog } from '../../../../../sdk/client/klog.js';
import type { Consumer } from '../../../../../sdk/consumer/consumer.js';

export async function startLiveMember(klog: Klog, group: string, topic: string, memberId: string): Promise<Consumer> {
  const consumer = klog.consumer({
    groupId: group,
    groupInstanceId: memberId,
    heartbeatIntervalMs: 100,
    sessionTimeoutMs: 2000,
  });
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ eachMessage: async () => undefined });
  for (;;) {
    const description = await consumer.describeGroup();
    const member = description.members.find((candidate) => candidate.memberId === memberId);
    if (description.state === 'Stable' && (member?.assignment.length ?? 0) > 0) return consumer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
