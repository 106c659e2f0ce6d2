/**
 * The records of a read in runs that are built when they are used (the consumer's path): a consumer buffers up to
 * `maxBytes` of records before its application handles them, and hundreds of thousands of record objects that
 * live that long make garbage collection the larger part of its work. A run keeps its batch's bytes and the size
 * of each record instead, and builds the records when they are delivered, so they are short-lived.
 */
import type { ScannedBatch, StoredRecord } from '../format/segment.js';
import { recordPayloadBytes } from './record-size.js';

export interface RecordRun {
  /** Records in the run. */
  readonly length: number;
  /** Payload bytes of each record (`recordPayloadBytes`), by index. */
  readonly sizes: Uint32Array;
  /** The offset of the record at `index`. */
  offsetAt(index: number): bigint;
  /** The run's records, in offset order: built again on every call, so callers keep them while they need them. */
  records(): StoredRecord[];
}

export interface RunReadResult {
  /** Records at or after the requested offset, in offset order, without control records. */
  runs: RecordRun[];
  /** The offset to read next: after the last batch read, or the requested offset when nothing was there. */
  nextOffset: bigint;
}

/** Records decoded already (a broker's fetch), as one run. */
export function decodedRun(records: StoredRecord[]): RecordRun {
  const sizes = new Uint32Array(records.length);
  for (let index = 0; index < records.length; index++) sizes[index] = recordPayloadBytes(records[index]!);
  return {
    length: records.length,
    sizes,
    offsetAt: (index) => records[index]!.offset,
    records: () => records,
  };
}

/** The records of a scanned batch from index `from` on (a read that starts inside the batch skips the others). */
export function scannedRun(batch: ScannedBatch, from: number): RecordRun {
  const first = batch.baseOffset + BigInt(from);
  return {
    length: batch.sizes.length - from,
    sizes: from === 0 ? batch.sizes : batch.sizes.subarray(from),
    // A batch's offsets are consecutive: decoding checks that record i has offset delta i.
    offsetAt: (index) => first + BigInt(index),
    records: () => (from === 0 ? batch.records() : batch.records().slice(from)),
  };
}
