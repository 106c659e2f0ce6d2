import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { killRunningChildren } from '../../helpers/child-workers.js';
import { maintenanceStressScenario } from '../../helpers/maintenance-stress.js';
import { testS3Target } from '../../helpers/s3-test-store.js';
import type { ScenarioTarget } from '../../helpers/writer-scenarios.js';

describe('maintenance under load on MinIO (issue 6)', () => {
  let target: ScenarioTarget;

  beforeAll(() => {
    target = testS3Target('maintenance-stress');
  });

  afterEach(() => killRunningChildren());

  afterAll(async () => {
    await target.store.close();
  });

  it('keeps invariants 1-4 with 4 writer and 2 consumer processes while maintenance compacts and trims every second', async () => {
    await maintenanceStressScenario(target, {
      writers: 4,
      consumers: 2,
      batchesEach: 120,
      recordsPerBatch: 2,
      padTo: 64,
      retentionBytes: 24 * 1024,
    });
  }, 90_000);
});
