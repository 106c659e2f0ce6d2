/**
 * A producer in remote mode in its own OS process (started with child-workers.ts): it appends batches through a
 * broker with the remote backend, under one random producer id with counting sequences, retrying retriable
 * failures with the same id and sequence as the SDK's producer does (sdk/producer/partition-sender.ts). It
 * reports every acknowledged batch over IPC with its producer id, sequence and offsets, so that the test can check
 * the log's invariants against exactly what was acknowledged. Its configuration is JSON in the first argument.
 */
import { HttpBackend } from '../../sdk/backend/http-backend.js';
import { retrying } from '../../sdk/client/retrier.js';
import { isKlogError } from '../../sdk/errors.js';
import { randomProducerId } from '../../sdk/log/producer-state.js';
import type { PartitionRef } from '../../sdk/store/keys.js';
import { recordsOf } from './log-fixtures.js';
import { type Ack, makeValues } from './log-invariants.js';

export interface RemoteAppendConfig {
  /** The broker URL (several separated by commas). */
  url: string;
  refs: PartitionRef[];
  name: string;
  batches: number;
  recordsPerBatch: number;
}

export type RemoteAppendMessage =
  | ({ type: 'ack'; partition: number } & Ack)
  | { type: 'error'; code: string; message: string }
  | { type: 'done' };

const config = JSON.parse(process.argv[2] ?? '{}') as RemoteAppendConfig;

function report(message: RemoteAppendMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

process.on('disconnect', () => process.exit(0));

const backend = new HttpBackend(config.url);
const retry = { retries: 20, initialRetryTimeMs: 20, maxRetryTimeMs: 500 };

/** One partition's batches, one at a time (one append in flight per partition, as the producer sends). */
async function appendTo(ref: PartitionRef): Promise<void> {
  const producerId = randomProducerId();
  backend.registerProducer(ref, producerId);
  for (let batch = 0; batch < config.batches; batch++) {
    const values = makeValues(`${config.name}/${ref.partition}`, batch, config.recordsPerBatch);
    const baseSequence = batch * config.recordsPerBatch;
    const result = await retrying(
      () => backend.append(ref, { records: recordsOf(values, Date.now()), producerId, baseSequence }),
      retry,
    );
    await report({
      type: 'ack',
      partition: ref.partition,
      producerId: producerId.toString(),
      baseSequence,
      baseOffset: result.baseOffset.toString(),
      lastOffset: result.lastOffset.toString(),
      values,
    });
  }
}

try {
  await Promise.all(config.refs.map(appendTo));
  await report({ type: 'done' });
} catch (error) {
  await report({
    type: 'error',
    code: isKlogError(error) ? error.code : 'UNEXPECTED',
    message: error instanceof Error ? error.message : String(error),
  });
} finally {
  await backend.close();
}
process.exit(0);
