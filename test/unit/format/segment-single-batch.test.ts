import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeBatch, encodeSegment, type LogRecord } from '../../../sdk/format/segment.js';

const records: LogRecord[] = Array.from({ length: 50 }, (_, index) => ({
  key: null,
  value: Buffer.from(`value-${index}`),
  headers: [],
  timestamp: 1_700_000_000_000 + index,
}));
const meta = { producerId: 5n, baseSequence: 0, writerEpoch: 1 };

describe('encodeSegment of one batch', () => {
  it('builds the same bytes in the room kept before the batch as by copying, and never changes a segment later', () => {
    const batch = encodeBatch(records, meta);
    const batchBytes = Buffer.from(batch.bytes);
    const first = encodeSegment(100n, [batch]);
    const firstCopy = Buffer.from(first);
    // A second segment of the same batch (a writer retrying at another offset) must not reuse the same memory.
    const second = encodeSegment(200n, [batch]);
    expect(Buffer.from(first)).toEqual(firstCopy);
    expect(Buffer.from(batch.bytes)).toEqual(batchBytes);
    expect(decodeSegment(first, 'first').header.baseOffset).toBe(100n);
    expect(decodeSegment(second, 'second').header.baseOffset).toBe(200n);

    // The same segment built from a copy of the batch (no room in front of it) is byte for byte the same.
    const copied = encodeSegment(100n, [{ ...batch, bytes: Uint8Array.from(batch.bytes) }]);
    expect(Buffer.from(copied)).toEqual(firstCopy);
    const decoded = decodeSegment(first, 'first').batches[0]!.records;
    expect(decoded.map((record) => Buffer.from(record.value!).toString())).toEqual(
      records.map((record) => Buffer.from(record.value!).toString()),
    );
  });

  it('copies a compressed batch and batches of several-batch segments as before', () => {
    const gzip = encodeBatch(records, { ...meta, compression: 'gzip' });
    const plain = encodeBatch(records, { ...meta, baseSequence: 50 });
    const segment = encodeSegment(0n, [gzip, plain]);
    const { batches } = decodeSegment(segment, 'two');
    expect(batches.map((batch) => batch.records.length)).toEqual([50, 50]);
    expect(batches[1]!.records[0]!.offset).toBe(50n);
  });
});
