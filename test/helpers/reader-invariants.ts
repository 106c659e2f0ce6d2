/**
 * Invariant checks through the partition reader, for logs whose segments may have been compacted into `data/`
 * objects (log-invariants.ts reads `log/` keys only): offsets are unique and increasing, and every acknowledged
 * batch is readable exactly once at its acknowledged offsets with its values.
 */
import { expect } from 'vitest';
import { PartitionReader } from '../../sdk/log/partition-reader.js';
import type { PartitionRef } from '../../sdk/store/keys.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';
import type { Ack } from './log-invariants.js';

export interface ReadRecord {
  offset: bigint;
  value: string;
}

/** Every record from the log start to the end, read through the partition reader. */
export async function readAllRecords(store: ObjectStore, ref: PartitionRef): Promise<ReadRecord[]> {
  const reader = new PartitionReader(store, ref);
  const end = await reader.latestOffset();
  const records: ReadRecord[] = [];
  for (let offset = await reader.earliestOffset(); offset < end; ) {
    const result = await reader.read(offset);
    for (const record of result.records) {
      records.push({ offset: record.offset, value: Buffer.from(record.value ?? []).toString() });
    }
    if (result.nextOffset <= offset) throw new Error(`the reader did not move past offset ${offset}`);
    offset = result.nextOffset;
  }
  return records;
}

/** Checks invariants 1 and 2 over the records a reader returns; `acks` at or after the log start only. */
export async function expectReadableAcks(
  store: ObjectStore,
  ref: PartitionRef,
  acks: readonly Ack[],
): Promise<ReadRecord[]> {
  const records = await readAllRecords(store, ref);
  for (let index = 1; index < records.length; index++) {
    expect(records[index]!.offset, 'offsets must increase').toBeGreaterThan(records[index - 1]!.offset);
  }
  const values = records.map((record) => record.value);
  expect(new Set(values).size, 'a value is stored twice').toBe(values.length);
  const byOffset = new Map(records.map((record) => [record.offset, record.value]));
  for (const ack of acks) {
    const stored = ack.values.map((_, index) => byOffset.get(BigInt(ack.baseOffset) + BigInt(index)));
    expect(stored, `acknowledged batch ${ack.producerId}:${ack.baseSequence} is not where it was acknowledged`).toEqual(
      ack.values,
    );
  }
  return records;
}
