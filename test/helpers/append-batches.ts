/** Appends numbered batches from one fresh producer and records what was acknowledged. */
import type { PartitionWriter } from '../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../sdk/log/producer-state.js';
import { recordsOf } from './log-fixtures.js';
import { type Ack, makeValues } from './log-invariants.js';

export async function appendBatches(
  writer: PartitionWriter,
  name: string,
  batches: number,
  acks: Ack[],
  recordsPerBatch = 3,
  padTo = 0,
): Promise<void> {
  const producerId = randomProducerId();
  writer.registerProducer(producerId);
  for (let batch = 0; batch < batches; batch++) {
    const values = makeValues(name, batch, recordsPerBatch, padTo);
    const baseSequence = batch * recordsPerBatch;
    const result = await writer.append({ records: recordsOf(values), producerId, baseSequence });
    acks.push({
      producerId: producerId.toString(),
      baseSequence,
      baseOffset: result.baseOffset.toString(),
      lastOffset: result.lastOffset.toString(),
      values,
    });
  }
}
