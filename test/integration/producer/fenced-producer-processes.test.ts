import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { killRunningChildren } from '../../helpers/child-workers.js';
import { fencedProducerScenario } from '../../helpers/fencing-scenarios.js';
import { testS3Target } from '../../helpers/s3-test-store.js';
import type { ScenarioTarget } from '../../helpers/writer-scenarios.js';

describe('a producer with a fencing id in separate OS processes on MinIO', () => {
  let target: ScenarioTarget;

  beforeAll(() => {
    target = testS3Target('fencing');
  });

  afterEach(() => killRunningChildren());

  afterAll(async () => {
    await target.store.close();
  });

  it('fails with FENCED after another producer with its fencing id took over; none of its later records are stored', async () => {
    await fencedProducerScenario(target);
  });
});
