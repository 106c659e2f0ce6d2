/**
 * Checks of the log's invariants (design brief §5) over what is actually stored, for tests that append
 * concurrently and then compare the partition with what the writers acknowledged.
 */
import { expect } from 'vitest';
import { decodeSegment, type StoredRecord } from '../../sdk/format/segment.js';
import { readPartitionMeta } from '../../sdk/log/partition-meta.js';
import { listSegments } from '../../sdk/log/segment-list.js';
import type { PartitionRef } from '../../sdk/store/keys.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';

export interface Ack {
  producerId: string;
  baseSequence: number;
  baseOffset: string;
  lastOffset: string;
  /** The values the batch carried, in order. */
  values: string[];
}

export interface StoredBatch {
  producerId: bigint;
  baseSequence: number;
  baseOffset: bigint;
  records: StoredRecord[];
}

/** Every batch stored at or after the log start, read with plain GETs (not through the reader under test). */
export async function readStoredBatches(store: ObjectStore, ref: PartitionRef): Promise<StoredBatch[]> {
  const meta = await readPartitionMeta(store, ref);
  const batches: StoredBatch[] = [];
  let expectedBase = meta?.meta.logStartOffset ?? 0n;
  for (const segment of await listSegments(store, ref, expectedBase)) {
    const object = await store.get(segment.key);
    if (object === null) throw new Error(`segment ${segment.key} vanished while checking invariants`);
    const decoded = decodeSegment(object.body, segment.key);
    // Invariant 1: each segment starts where the previous one ended, so offsets are contiguous and unique.
    expect(decoded.header.baseOffset, `segment ${segment.key} does not start at the previous end`).toBe(expectedBase);
    expectedBase = decoded.header.endOffset;
    for (const batch of decoded.batches) {
      batches.push({
        producerId: batch.entry.producerId,
        baseSequence: batch.entry.baseSequence,
        baseOffset: batch.baseOffset,
        records: batch.records,
      });
    }
  }
  return batches;
}

/**
 * Invariants 1-3: offsets contiguous and unique; every acknowledged batch readable exactly once at its
 * acknowledged offsets with its bytes intact; per producer each batch stored at most once, in sequence order.
 */
export async function expectLogInvariants(
  store: ObjectStore,
  ref: PartitionRef,
  acks: readonly Ack[],
): Promise<StoredBatch[]> {
  const batches = await readStoredBatches(store, ref);
  const stored = new Map<string, StoredBatch>();
  const lastSequence = new Map<bigint, number>();
  for (const batch of batches) {
    const id = `${batch.producerId}:${batch.baseSequence}`;
    expect(stored.has(id), `batch ${id} is stored twice`).toBe(false);
    stored.set(id, batch);
    // Retention may have removed a producer's first batches, so its first retained batch may start anywhere.
    const previous = lastSequence.get(batch.producerId);
    if (previous !== undefined) {
      expect(batch.baseSequence, `producer ${batch.producerId} stored out of sequence order`).toBe(previous + 1);
    }
    lastSequence.set(batch.producerId, batch.baseSequence + batch.records.length - 1);
  }
  for (const ack of acks) {
    const batch = stored.get(`${ack.producerId}:${ack.baseSequence}`);
    expect(batch, `acknowledged batch ${ack.producerId}:${ack.baseSequence} is not in the log`).toBeDefined();
    expect(batch!.baseOffset.toString(), `batch ${ack.producerId}:${ack.baseSequence} moved`).toBe(ack.baseOffset);
    expect(
      batch!.records.map((record) => Buffer.from(record.value ?? []).toString()),
      `batch ${ack.producerId}:${ack.baseSequence} bytes differ`,
    ).toEqual(ack.values);
    expect(batch!.records.at(-1)?.offset.toString()).toBe(ack.lastOffset);
  }
  return batches;
}

/** Records whose values name their writer, batch and position, so any mix-up shows in a comparison. */
export function makeValues(writer: string, batch: number, count: number, padTo = 0): string[] {
  return Array.from({ length: count }, (_, index) => `${writer}:${batch}:${index}:`.padEnd(padTo, 'x'));
}
