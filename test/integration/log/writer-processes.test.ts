import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { openTestS3Store } from '../../helpers/s3-test-store.js';
import {
  concurrentWritersScenario,
  frozenWriterScenario,
  type ScenarioTarget,
} from '../../helpers/writer-scenarios.js';

describe('writers in several OS processes on MinIO', () => {
  let target: ScenarioTarget;

  beforeAll(() => {
    const s3 = inject('s3');
    const prefix = `writers-${randomUUID()}`;
    target = {
      store: openTestS3Store(prefix),
      url: `s3://${s3.bucket}/${prefix}`,
      // Child processes reach the same endpoint through the standard AWS environment, as users do.
      env: {
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_REGION: s3.region,
      },
    };
  });

  afterAll(async () => {
    await target.store.close();
  });

  it('keeps invariants 1-3 with 4 writer processes and 4 in-process writers (2,000 batches)', async () => {
    await concurrentWritersScenario(target, {
      processes: 4,
      inProcess: 4,
      batchesEach: 250,
      recordsPerBatch: 4,
      padTo: 256,
    });
  });

  it('acknowledges nothing below a log start that moved while a writer was stopped', async () => {
    await frozenWriterScenario(target, 'retention');
  });

  it('acknowledges nothing into a topic deleted while a writer was stopped', async () => {
    await frozenWriterScenario(target, 'topic-deletion');
  });
});
