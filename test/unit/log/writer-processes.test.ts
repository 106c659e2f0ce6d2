import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { frozenBeforePutScenario } from '../../helpers/frozen-writer-scenarios.js';
import {
  concurrentWritersScenario,
  frozenWriterScenario,
  type ScenarioTarget,
} from '../../helpers/writer-scenarios.js';

describe('writers in several OS processes on the filesystem store', () => {
  let dir: string;
  let target: ScenarioTarget;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'klog-writers-'));
    target = { store: new FileObjectStore(dir), url: pathToFileURL(dir).href };
  });

  afterAll(async () => {
    await target.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps invariants 1-3 with 4 writer processes and 4 in-process writers (2,000 batches)', async () => {
    await concurrentWritersScenario(target, {
      processes: 4,
      inProcess: 4,
      batchesEach: 250,
      recordsPerBatch: 4,
      padTo: 64,
    });
  });

  it('acknowledges nothing below a log start that moved while a writer was stopped', async () => {
    await frozenWriterScenario(target, 'retention');
  });

  it('acknowledges nothing into a topic deleted while a writer was stopped', async () => {
    await frozenWriterScenario(target, 'topic-deletion');
  });

  it('acknowledges nothing at a key freed by the expiry of an idle partition while a writer was stopped', async () => {
    await frozenBeforePutScenario(target, 'idle-expiry');
  });

  it('acknowledges nothing at a key freed by compaction while a writer was stopped before its PUT', async () => {
    await frozenBeforePutScenario(target, 'compaction');
  });
});
