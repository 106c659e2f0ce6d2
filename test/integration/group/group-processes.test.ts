import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killRunningChildren } from '../../helpers/child-workers.js';
import {
  type GroupTarget,
  killedMemberScenario,
  sharedPartitionsScenario,
  stoppedMemberScenario,
} from '../../helpers/group-scenarios.js';
import { testS3Target } from '../../helpers/s3-test-store.js';

describe('consumer-group members in separate OS processes on MinIO', () => {
  let target: GroupTarget;

  beforeAll(() => {
    // Child processes reach the same endpoint through the standard AWS environment, as users do.
    target = testS3Target('groups');
  });

  afterEach(() => {
    killRunningChildren();
  });

  afterAll(async () => {
    await target.store.close();
  });

  it('shares 12 partitions among 4 processes, then 5, then 4, every record handled once', async () => {
    const times = await sharedPartitionsScenario(target);
    console.info(
      `[MinIO processes] rebalance after a join: ${times.join}, after a leave: ${times.leave} session timeouts`,
    );
    expect(times.leave).toBeGreaterThan(0);
  });

  it('takes over the partitions of a process killed with SIGKILL mid-batch, missing no record', async () => {
    const times = await killedMemberScenario(target);
    console.info(`[MinIO processes] takeover after SIGKILL: ${times.takeover} session timeouts`);
    expect(times.takeover).toBeGreaterThan(0);
  });

  it('refuses the commit of a process resumed after SIGSTOP once a new instance with its member id took over', async () => {
    const times = await stoppedMemberScenario(target);
    console.info(`[MinIO processes] partitions of the stopped process moved after ${times.moved} session timeouts`);
    expect(times.moved).toBeGreaterThan(0);
  });
});
