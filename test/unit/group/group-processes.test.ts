import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { killRunningChildren } from '../../helpers/child-workers.js';
import {
  type GroupTarget,
  killedMemberScenario,
  sharedPartitionsScenario,
  stoppedMemberScenario,
} from '../../helpers/group-scenarios.js';

describe('consumer-group members in separate OS processes on the filesystem store', () => {
  let dir: string;
  let target: GroupTarget;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'klog-group-processes-'));
    target = { store: new FileObjectStore(dir), url: pathToFileURL(dir).href };
  });

  afterEach(() => {
    killRunningChildren();
  });

  afterAll(async () => {
    await target.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shares 12 partitions among 4 processes, then 5, then 4, every record handled once', async () => {
    const times = await sharedPartitionsScenario(target);
    console.info(
      `[filesystem processes] rebalance after a join: ${times.join}, after a leave: ${times.leave} session timeouts`,
    );
    expect(times.join).toBeGreaterThan(0);
  }, 180_000);

  it('takes over the partitions of a process killed with SIGKILL mid-batch, missing no record', async () => {
    const times = await killedMemberScenario(target);
    console.info(`[filesystem processes] takeover after SIGKILL: ${times.takeover} session timeouts`);
    expect(times.takeover).toBeGreaterThan(0);
  }, 180_000);

  it('refuses the commit of a process resumed after SIGSTOP once a new instance with its member id took over', async () => {
    const times = await stoppedMemberScenario(target);
    console.info(
      `[filesystem processes] partitions of the stopped process moved after ${times.moved} session timeouts`,
    );
    expect(times.moved).toBeGreaterThan(0);
  }, 180_000);
});
