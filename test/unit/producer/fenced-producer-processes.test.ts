import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { killRunningChildren } from '../../helpers/child-workers.js';
import { fencedProducerScenario } from '../../helpers/fencing-scenarios.js';
import type { ScenarioTarget } from '../../helpers/writer-scenarios.js';

describe('a producer with a fencing id in separate OS processes on the filesystem store', () => {
  let dir: string;
  let target: ScenarioTarget;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'klog-fencing-'));
    target = { store: new FileObjectStore(dir), url: pathToFileURL(dir).href };
  });

  afterEach(() => killRunningChildren());

  afterAll(async () => {
    await target.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails with FENCED after another producer with its fencing id took over; none of its later records are stored', async () => {
    await fencedProducerScenario(target);
  });
});
