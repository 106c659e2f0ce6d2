import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { killRunningChildren } from '../../helpers/child-workers.js';
import { stalledMaintainerScenario } from '../../helpers/maintainer-scenarios.js';
import type { ScenarioTarget } from '../../helpers/writer-scenarios.js';

describe('a maintainer stopped with SIGSTOP in a separate OS process on the filesystem store', () => {
  let dir: string;
  let target: ScenarioTarget;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'klog-stalled-maintainer-'));
    target = { store: new FileObjectStore(dir), url: pathToFileURL(dir).href };
  });

  afterEach(() => killRunningChildren());

  afterAll(async () => {
    await target.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('deletes and overwrites nothing a newer run or the writers wrote after its lease expired', async () => {
    await stalledMaintainerScenario(target);
  });
});
