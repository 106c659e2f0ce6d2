/**
 * A batch a producer encoded itself and sent as bytes (a broker's binary produce body, docs/broker-api.md): checked
 * here so that a writer can store the bytes as they are instead of decoding the records and encoding them again.
 *
 * The check makes every promise `encodeBatch` makes about its own output, so that readers can decode the stored
 * batch (segment.ts, `decodeBatch`) and the writer can apply the checks it applies to records it encodes:
 *   - the CRC-32C covers the whole batch, the batch version is 1, the codec is known, it is a record batch (not a
 *     control batch), the producer id and base sequence are what `encodeBatch` accepts;
 *   - the records section decompresses to the length the header names, and holds exactly `recordCount` records
 *     (at least one), each within its bounds, with offset deltas 0, 1, 2, ..., header keys in UTF-8, and
 *     timestamps whose smallest and largest are the header's base and max timestamps;
 *   - it measures each record's payload (key, value, header keys and values: what `maxMessageBytes` limits,
 *     sdk/log/record-size.ts), for the writer's limit check.
 * Every problem is INVALID_ARGUMENT naming it: the bytes come from a client, not from the store.
 */
import { KlogError } from '../errors.js';
import { type Compression, decompress } from './compression.js';
import { crc32c } from './crc32c.js';
import { walkRecords } from './record-walk.js';
import { BATCH_HEADER_BYTES, BATCH_VERSION, type EncodedBatch, MAX_TIMESTAMP_MS } from './segment.js';
import { VarintError } from './varint.js';

/** A checked batch, as `encodeBatch` would have returned it, with the payload size of each record. */
export interface ProducedBatch extends EncodedBatch {
  /** Payload bytes of each record (key, value, header keys and header values), by index. */
  recordBytes: Uint32Array;
}

const CODECS: readonly (Compression | undefined)[] = ['none', 'gzip', 'snappy'];
const ATTRIBUTE_CODEC_MASK = 0x07;
const ATTRIBUTE_CONTROL = 0x08;
const TWO_POW_32 = 2 ** 32;
/** The smallest record: length, timestampDelta, offsetDelta, keyLength, valueLength, headerCount. */
const MIN_RECORD_BYTES = 6;
/** Where the problem is, for a reader of the error that did not write the bytes. */
const WHERE = 'The batch';

/** Checks a batch a producer sent; see the file comment for what is checked. */
export function checkProducedBatch(bytes: Uint8Array): ProducedBatch {
  if (bytes.length < BATCH_HEADER_BYTES) {
    throw invalid(`${WHERE} is ${bytes.length} bytes, shorter than the ${BATCH_HEADER_BYTES}-byte batch header.`);
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crc = view.readUInt32BE(0);
  if (crc32c(view.subarray(4)) !== crc) {
    throw invalid(`${WHERE} fails its CRC-32C checksum: it was damaged on the way, or is not a klog batch.`);
  }
  if (view[4] !== BATCH_VERSION) {
    throw invalid(`${WHERE} has batch version ${view[4]}; this broker stores version ${BATCH_VERSION}.`);
  }
  const attributes = view[5]!;
  if ((attributes & ATTRIBUTE_CONTROL) !== 0) {
    throw invalid(`${WHERE} is a control batch; producers may only send record batches.`);
  }
  const compression = CODECS[attributes & ATTRIBUTE_CODEC_MASK];
  if (compression === undefined) {
    throw invalid(
      `${WHERE} names compression codec ${attributes & ATTRIBUTE_CODEC_MASK}; use 0 none, 1 gzip or 2 snappy.`,
    );
  }
  const producerId = view.readBigUInt64BE(8);
  const baseSequence = view.readInt32BE(16);
  if (baseSequence < -1) throw invalid(`${WHERE} has base sequence ${baseSequence}; use -1 or a whole number from 0.`);
  const recordCount = view.readUInt32BE(24);
  const baseTimestamp = readTimestamp(view, 28);
  const maxTimestamp = readTimestamp(view, 36);
  const uncompressedLength = view.readUInt32BE(44);
  if (recordCount === 0) throw invalid(`${WHERE} holds no records; a batch needs at least one.`);
  if (recordCount > uncompressedLength / MIN_RECORD_BYTES) {
    throw invalid(`${WHERE} claims ${recordCount} records in ${uncompressedLength} bytes.`);
  }
  if (baseTimestamp < 0 || maxTimestamp < baseTimestamp) {
    throw invalid(`${WHERE} has timestamps outside 0..${MAX_TIMESTAMP_MS} ms, or a base after its maximum.`);
  }
  let section: Uint8Array;
  try {
    section = decompress(compression, view.subarray(BATCH_HEADER_BYTES), uncompressedLength, 'produced batch');
  } catch (error) {
    const once = compression === 'none' ? '' : `, once ${compression}-decompressed,`;
    throw invalid(`${WHERE}'s records section${once} is not the ${uncompressedLength} bytes its header names.`, error);
  }
  const batch: ProducedBatch = {
    bytes,
    crc,
    recordCount,
    producerId,
    baseSequence,
    writerEpoch: view.readUInt32BE(20),
    control: false,
    compression,
    baseTimestamp,
    maxTimestamp,
    recordBytes: new Uint32Array(recordCount),
  };
  try {
    measureRecords(section, batch);
  } catch (error) {
    if (error instanceof VarintError) throw invalid(`${WHERE} holds a malformed record: ${error.message}.`, error);
    throw error;
  }
  return batch;
}

/**
 * Walks the records section as `decodeBatch` reads it, with the same bounds, without building records; fills
 * `batch.recordBytes`. A client's header keys must be UTF-8, and its header timestamps its records' extremes.
 */
function measureRecords(section: Uint8Array, batch: ProducedBatch): void {
  const walk = walkRecords(section, {
    recordCount: batch.recordCount,
    baseTimestamp: batch.baseTimestamp,
    maxTimestamp: batch.maxTimestamp,
    where: WHERE,
    fail: (problem) => invalid(`${problem}.`),
    strictHeaderKeys: true,
  });
  batch.recordBytes.set(walk.sizes);
  if (walk.smallest !== batch.baseTimestamp || walk.largest !== batch.maxTimestamp) {
    throw invalid(`${WHERE}'s base and max timestamps are not its records' smallest and largest.`);
  }
}

/** An i64 timestamp, or -1 when it lies outside 0..MAX_TIMESTAMP_MS (a negative one has its top bit set). */
function readTimestamp(view: Buffer, pos: number): number {
  const value = view.readUInt32BE(pos) * TWO_POW_32 + view.readUInt32BE(pos + 4);
  return value > MAX_TIMESTAMP_MS ? -1 : value;
}

function invalid(message: string, cause?: unknown): KlogError {
  return new KlogError('INVALID_ARGUMENT', message, { cause });
}
