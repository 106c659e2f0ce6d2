/**
 * A writer in its own OS process, for the invariant tests under real concurrency. It is bundled and
 * spawned by test/helpers/worker-process.ts; its configuration comes as JSON in KLOG_WORKER and it reports
 * one JSON line per event on stdout: `ack` per acknowledged batch, `paused` before it stops itself with
 * SIGSTOP, `error` for a KlogError, `done` at the end.
 */
import { isKlogError } from '../../sdk/errors.js';
import { PartitionWriter } from '../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../sdk/log/producer-state.js';
import type { PartitionRef } from '../../sdk/store/keys.js';
import type { ObjectStore, WriteCondition } from '../../sdk/store/object-store.js';
import { openObjectStore } from '../../sdk/store/open-object-store.js';
import { recordsOf } from './log-fixtures.js';
import { makeValues } from './log-invariants.js';

export interface AppendWorkerConfig {
  url: string;
  ref: PartitionRef;
  name: string;
  batches: number;
  recordsPerBatch: number;
  padTo?: number;
  /** Stop this process with SIGSTOP right after the segment PUT of this batch succeeds, before its meta check. */
  pauseAfterPutOfBatch?: number;
  /** Stop this process with SIGSTOP right before the first segment PUT of this batch, at the writer's cached tail. */
  pauseBeforePutOfBatch?: number;
}

function report(event: Record<string, unknown>): void {
  // Writes to a pipe are synchronous on Linux, so a line is out before the process stops itself.
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/**
 * Stops the whole process between a successful segment PUT and the writer's check before acknowledging, or
 * (`shouldPauseBefore`) just before a segment PUT.
 */
function pausingAfterPut(
  store: ObjectStore,
  shouldPause: () => boolean,
  shouldPauseBefore: () => boolean = () => false,
): ObjectStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'put') return Reflect.get(target, property, receiver);
      return async (key: string, body: Uint8Array, condition: WriteCondition) => {
        if (key.endsWith('.seg') && shouldPauseBefore()) {
          report({ type: 'paused', key });
          process.kill(process.pid, 'SIGSTOP');
        }
        const outcome = await target.put(key, body, condition);
        if (key.endsWith('.seg') && outcome.kind === 'done' && shouldPause()) {
          report({ type: 'paused', key });
          process.kill(process.pid, 'SIGSTOP');
        }
        return outcome;
      };
    },
  });
}

async function main(config: AppendWorkerConfig): Promise<void> {
  let batch = 0;
  let paused = false;
  // Pause once: the same batch's retry after rediscovering the tail must run through.
  const pauseOnce = (atBatch: number | undefined) => () => {
    if (paused || batch !== atBatch) return false;
    paused = true;
    return true;
  };
  const store = pausingAfterPut(
    openObjectStore(config.url),
    pauseOnce(config.pauseAfterPutOfBatch),
    pauseOnce(config.pauseBeforePutOfBatch),
  );
  const writer = new PartitionWriter(store, config.ref);
  const producerId = randomProducerId();
  writer.registerProducer(producerId);
  for (; batch < config.batches; batch++) {
    const values = makeValues(config.name, batch, config.recordsPerBatch, config.padTo);
    const baseSequence = batch * config.recordsPerBatch;
    try {
      const result = await writer.append({ records: recordsOf(values), producerId, baseSequence });
      report({
        type: 'ack',
        producerId: producerId.toString(),
        baseSequence,
        baseOffset: result.baseOffset.toString(),
        lastOffset: result.lastOffset.toString(),
        values,
      });
    } catch (error) {
      if (!isKlogError(error)) throw error;
      report({ type: 'error', code: error.code, message: error.message });
      break;
    }
  }
  report({ type: 'done' });
  await store.close();
}

await main(JSON.parse(process.env.KLOG_WORKER ?? '{}') as AppendWorkerConfig);
