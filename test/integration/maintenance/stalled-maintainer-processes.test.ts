import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { killRunningChildren } from '../../helpers/child-workers.js';
import { stalledMaintainerScenario } from '../../helpers/maintainer-scenarios.js';
import { testS3Target } from '../../helpers/s3-test-store.js';
import type { ScenarioTarget } from '../../helpers/writer-scenarios.js';

describe('a maintainer stopped with SIGSTOP in a separate OS process on MinIO', () => {
  let target: ScenarioTarget;

  beforeAll(() => {
    target = testS3Target('stalled-maintainer');
  });

  afterEach(() => killRunningChildren());

  afterAll(async () => {
    await target.store.close();
  });

  it('deletes and overwrites nothing a newer run or the writers wrote after its lease expired', async () => {
    await stalledMaintainerScenario(target);
  });
});
