/**
 * klog segment format, version 1.0: the bytes of every `log/<base>.seg` and `data/<base>-<end>.seg` object.
 * docs/format.md describes the same layout with the reasons behind it; golden tests pin it byte for byte.
 * All integers are big-endian. "varint"/"varlong" are Kafka's zigzag variable-length integers (varint.ts).
 *
 * A segment is a fixed header, a batch directory (one entry per batch) and the batches back to back:
 *
 *   Fixed header (40 bytes)
 *     0   4  magic "KLGS"
 *     4   1  major version = 1      a reader stops at a newer major version (UNSUPPORTED_FORMAT)
 *     5   1  minor version = 0      minor versions only add fields older readers may ignore
 *     6   2  flags = 0              reserved; writers write 0, readers ignore
 *     8   8  baseOffset u64         offset of the segment's first offset
 *    16   4  offsetCount u32        offsets the segment occupies (sum over its batches)
 *    20   4  batchCount u32         at least 1
 *    24   4  dataStart u32          = 40 + 48 * batchCount: position of the first batch
 *    28   4  totalLength u32        length of the whole object (detects truncation)
 *    32   4  headerCrc u32          CRC-32C of bytes 0..31 followed by the whole directory
 *    36   4  reserved = 0
 *
 *   Directory entry (48 bytes per batch, in offset order; batches are contiguous in offsets and in bytes)
 *     0   4  relativeOffset u32     first offset of the batch minus the segment's baseOffset
 *     4   4  offsetCount u32        records in the batch (1 for a control batch)
 *     8   4  position u32           byte position of the batch in the object
 *    12   4  length u32             byte length of the batch
 *    16   8  producerId u64         0 = none
 *    24   4  baseSequence i32       -1 = none
 *    28   4  writerEpoch u32
 *    32   8  maxTimestamp i64       ms since the epoch
 *    40   1  attributes             as the batch's
 *    41   7  reserved = 0
 *
 *   Batch (self-contained: it holds no absolute or relative offset, so it can be copied into another segment at
 *   another offset without re-encoding; compaction relies on this)
 *     0   4  crc u32                CRC-32C of bytes 4..end of the batch
 *     4   1  batch version = 1
 *     5   1  attributes             bits 0-2 codec id (0 none, 1 gzip, 2 snappy), bit 3 control batch, 4-7 reserved
 *     6   2  reserved = 0
 *     8   8  producerId u64
 *    16   4  baseSequence i32
 *    20   4  writerEpoch u32
 *    24   4  recordCount u32
 *    28   8  baseTimestamp i64      smallest record timestamp (ms)
 *    36   8  maxTimestamp i64       largest record timestamp (ms)
 *    44   4  uncompressedLength u32 length of the records section before compression
 *    48  ..  records section, compressed with the codec
 *
 *   Record (Kafka record v2 style, without its attributes byte)
 *     varint  length                bytes of the rest of this record
 *     varlong timestampDelta        from baseTimestamp
 *     varint  offsetDelta           from the batch's first offset: 0, 1, 2, ... in order
 *     varint  keyLength (-1 = null), then the key bytes
 *     varint  valueLength (-1 = null), then the value bytes
 *     varint  headerCount, then per header: varint keyLength + UTF-8 key, varint valueLength (-1 = null) + value
 *
 *   Control batch: attribute bit 3 set and exactly one record, whose key is 4 bytes [u16 control record version = 1]
 *   [u16 type] and whose value is a UTF-8 JSON object. It occupies one offset and is never delivered to
 *   applications. Types: 1 WRITER_EPOCH ({"writerId": "<decimal u64>", "epoch": n}), 2 SEAL (reserved).
 *
 * Timestamps are whole milliseconds from 0 to 2^52 - 1 (Kafka also rejects negative ones); the limit keeps every
 * timestamp and delta exact in a JavaScript number.
 */
import { KlogError } from '../errors.js';
import { CODEC_IDS, type Compression, codecFromId, compress, decompress, isCompression } from './compression.js';
import { crc32c } from './crc32c.js';
import { walkRecords } from './record-walk.js';
import {
  MAX_VARLONG_MAGNITUDE,
  type ReadCursor,
  readVarint,
  readVarlong,
  VarintError,
  varintSize,
  varlongSize,
  writeVarint,
  writeVarlong,
} from './varint.js';

export type { Compression } from './compression.js';

export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

export interface LogRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  /** Milliseconds since the epoch, a whole number from 0 to MAX_TIMESTAMP_MS. */
  timestamp: number;
}

export interface StoredRecord extends LogRecord {
  offset: bigint;
}

/** What a batch records about its writer. */
export interface BatchMeta {
  /** Idempotent producer id, 0n for none. */
  producerId: bigint;
  /** Sequence of the batch's first record for this producer and partition, -1 for none. */
  baseSequence: number;
  writerEpoch: number;
  /** Defaults to 'none'. */
  compression?: Compression;
}

export interface EncodedBatch {
  bytes: Uint8Array;
  crc: number;
  recordCount: number;
  producerId: bigint;
  baseSequence: number;
  writerEpoch: number;
  control: boolean;
  compression: Compression;
  baseTimestamp: number;
  maxTimestamp: number;
}

export const ControlType = { WRITER_EPOCH: 1, SEAL: 2 } as const;

/** One directory entry: where a batch is, which offsets it holds and who wrote it. */
export interface BatchEntry {
  relativeOffset: number;
  offsetCount: number;
  position: number;
  length: number;
  producerId: bigint;
  baseSequence: number;
  writerEpoch: number;
  maxTimestamp: number;
  control: boolean;
  compression: Compression;
}

export interface SegmentHeader {
  baseOffset: bigint;
  offsetCount: number;
  /** baseOffset + offsetCount: the offset the next segment starts at. */
  endOffset: bigint;
  batches: BatchEntry[];
  dataStart: number;
  totalLength: number;
}

export interface DecodedBatch {
  entry: BatchEntry;
  baseOffset: bigint;
  crc: number;
  control: boolean;
  /**
   * The batch's records, with keys, values and header values as views into the decoded bytes (no copies).
   * Empty for a control batch, so that a control record can never reach an application by mistake; its
   * content is in `controlRecord`.
   */
  records: StoredRecord[];
  controlRecord?: { type: number; payload: Record<string, unknown> };
}

export const SEGMENT_FIXED_HEADER_BYTES = 40;
export const DIRECTORY_ENTRY_BYTES = 48;
export const BATCH_HEADER_BYTES = 48;
export const SEGMENT_MAJOR_VERSION = 1;
export const SEGMENT_MINOR_VERSION = 0;
export const BATCH_VERSION = 1;
export const CONTROL_RECORD_VERSION = 1;
/** Largest timestamp klog stores (about the year 142,000): deltas between timestamps stay exact as numbers. */
export const MAX_TIMESTAMP_MS = MAX_VARLONG_MAGNITUDE;

const MAGIC = [0x4b, 0x4c, 0x47, 0x53]; // "KLGS"
const ATTRIBUTE_CODEC_MASK = 0x07;
const ATTRIBUTE_CONTROL = 0x08;
const CONTROL_KEY_BYTES = 4;
const MAX_U32 = 0xffffffff;
const MAX_I32 = 0x7fffffff;
const MAX_U64 = 2n ** 64n - 1n;
/** Kafka offsets are signed 64-bit: no segment may end past this. */
const MAX_OFFSET = 2n ** 63n - 1n;
const TWO_POW_32 = 2 ** 32;
/** Timestamps fit in 52 bits, so the high 32 bits of a stored i64 timestamp are below 2^20. */
const MAX_TIMESTAMP_HIGH_WORD = 2 ** 20;
/** A record is at least 6 bytes: length, timestampDelta, offsetDelta, keyLength, valueLength, headerCount. */
const MIN_RECORD_BYTES = 6;
/** A header is at least 2 bytes: keyLength and valueLength. */
const MIN_HEADER_BYTES = 2;
/**
 * Decoded records without headers (nearly all of them) share this array instead of allocating one each: a
 * consumer buffers many records, and every object it holds costs garbage-collection time. Frozen, so that code
 * changing a decoded record's headers fails loudly instead of changing every record.
 */
const NO_HEADERS = Object.freeze([]) as unknown as RecordHeader[];

// ---------------------------------------------------------------------------------------------------------------
// Errors

function corrupt(key: string, what: string, cause?: unknown): KlogError {
  return new KlogError(
    'CORRUPT_OBJECT',
    `Segment ${key} is corrupt: ${what}. klog cannot repair it: restore the object from a backup, or delete the ` +
      "partition's data.",
    { context: { key }, cause },
  );
}

function newerFormat(key: string, what: string, version: number): KlogError {
  return new KlogError(
    'UNSUPPORTED_FORMAT',
    `Segment ${key} uses ${what} ${version}; this klog reads ${what} 1. Upgrade klog to a version that reads ` +
      `${what} ${version}.`,
    { context: { key, formatVersion: version } },
  );
}

function invalid(message: string, context: Record<string, unknown> = {}): KlogError {
  return new KlogError('INVALID_ARGUMENT', message, { context });
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding batches

/**
 * Per-record sizes computed by the first encoding pass and consumed in order by the second: for each record its
 * body length, then the UTF-8 length of each header key. Encoding is synchronous, so one buffer serves every call
 * and grows to the largest batch seen, instead of allocating per batch.
 */
let sizes = new Int32Array(4096);

function growSizes(needed: number): void {
  const grown = new Int32Array(Math.max(needed, sizes.length * 2));
  grown.set(sizes);
  sizes = grown;
}

/** Encodes records into one batch. Throws INVALID_ARGUMENT on an empty list or a malformed record or meta. */
export function encodeBatch(records: readonly LogRecord[], meta: BatchMeta): EncodedBatch {
  if (records.length === 0) throw invalid('A batch needs at least one record.');
  const compression = meta.compression ?? 'none';
  if (!isCompression(compression)) {
    throw invalid(`Unknown compression "${String(compression)}": use none, gzip or snappy.`, { compression });
  }
  return encodeRecords(records, meta, compression, false);
}

/**
 * Encodes a control batch: one record whose key names the control type and whose value is `payload` as JSON.
 * Control batches are always uncompressed (they are a few dozen bytes); `meta.compression` is ignored.
 */
export function encodeControlBatch(
  type: number,
  payload: Record<string, unknown>,
  meta: BatchMeta & { timestamp: number },
): EncodedBatch {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff) {
    throw invalid(`Control type ${type} is not a whole number from 0 to 65535.`, { type });
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw invalid('A control record payload must be a JSON object.');
  }
  const controlKey = Buffer.allocUnsafe(CONTROL_KEY_BYTES);
  controlKey.writeUInt16BE(CONTROL_RECORD_VERSION, 0);
  controlKey.writeUInt16BE(type, 2);
  const record: LogRecord = {
    key: controlKey,
    value: Buffer.from(JSON.stringify(payload), 'utf8'),
    headers: [],
    timestamp: meta.timestamp,
  };
  return encodeRecords([record], meta, 'none', true);
}

function encodeRecords(
  records: readonly LogRecord[],
  meta: BatchMeta,
  compression: Compression,
  control: boolean,
): EncodedBatch {
  checkMeta(meta);
  const count = records.length;
  let baseTimestamp = MAX_TIMESTAMP_MS;
  let maxTimestamp = 0;
  for (let i = 0; i < count; i++) {
    const timestamp = records[i]!.timestamp;
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP_MS) {
      throw invalid(`Record ${i} has timestamp ${timestamp}; use whole milliseconds from 0 to ${MAX_TIMESTAMP_MS}.`);
    }
    if (timestamp < baseTimestamp) baseTimestamp = timestamp;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
  }

  const sectionLength = measureRecords(records, baseTimestamp);
  let bytes: Buffer;
  let uncompressedLength = sectionLength;
  if (compression === 'none') {
    // Room for a one-batch segment's header and directory is kept in front of the batch, so that `encodeSegment`
    // can write them there instead of copying the batch (a megabyte for a full batch) into a new object.
    const withPrefix = Buffer.allocUnsafeSlow(SINGLE_BATCH_PREFIX_BYTES + BATCH_HEADER_BYTES + sectionLength);
    bytes = withPrefix.subarray(SINGLE_BATCH_PREFIX_BYTES);
    writeRecords(records, baseTimestamp, bytes, BATCH_HEADER_BYTES);
    batchesWithFreePrefix.add(bytes);
  } else {
    const section = Buffer.allocUnsafe(sectionLength);
    writeRecords(records, baseTimestamp, section, 0);
    const compressed = compress(compression, section);
    bytes = Buffer.allocUnsafe(BATCH_HEADER_BYTES + compressed.length);
    bytes.set(compressed, BATCH_HEADER_BYTES);
    uncompressedLength = section.length;
  }
  if (bytes.length > MAX_U32) throw tooLarge(bytes.length);

  bytes[4] = BATCH_VERSION;
  bytes[5] = CODEC_IDS[compression] | (control ? ATTRIBUTE_CONTROL : 0);
  bytes.writeUInt16BE(0, 6);
  bytes.writeBigUInt64BE(meta.producerId, 8);
  bytes.writeInt32BE(meta.baseSequence, 16);
  bytes.writeUInt32BE(meta.writerEpoch, 20);
  bytes.writeUInt32BE(count, 24);
  writeTimestamp(bytes, 28, baseTimestamp);
  writeTimestamp(bytes, 36, maxTimestamp);
  bytes.writeUInt32BE(uncompressedLength, 44);
  const crc = crc32c(bytes.subarray(4));
  bytes.writeUInt32BE(crc, 0);

  return {
    bytes,
    crc,
    recordCount: count,
    producerId: meta.producerId,
    baseSequence: meta.baseSequence,
    writerEpoch: meta.writerEpoch,
    control,
    compression,
    baseTimestamp,
    maxTimestamp,
  };
}

function checkMeta(meta: BatchMeta): void {
  if (typeof meta.producerId !== 'bigint' || meta.producerId < 0n || meta.producerId > MAX_U64) {
    throw invalid(`Producer id ${String(meta.producerId)} is not an unsigned 64-bit integer.`);
  }
  if (!Number.isInteger(meta.baseSequence) || meta.baseSequence < -1 || meta.baseSequence > MAX_I32) {
    throw invalid(`Base sequence ${meta.baseSequence} is not -1 or a whole number up to ${MAX_I32}.`);
  }
  if (!Number.isInteger(meta.writerEpoch) || meta.writerEpoch < 0 || meta.writerEpoch > MAX_U32) {
    throw invalid(`Writer epoch ${meta.writerEpoch} is not an unsigned 32-bit integer.`);
  }
}

function tooLarge(bytes: number): KlogError {
  return new KlogError(
    'RECORD_TOO_LARGE',
    `A batch of ${bytes} bytes is larger than a segment can hold (4 GiB). Send fewer or smaller records per batch.`,
  );
}

/** Bytes a nullable byte field takes: its varint length (-1 for null) and its bytes. */
function fieldSize(bytes: Uint8Array | null, what: string, index: number): number {
  if (bytes === null) return 1;
  if (!(bytes instanceof Uint8Array)) throw invalid(`Record ${index} has a ${what} that is not bytes or null.`);
  return varintSize(bytes.length) + bytes.length;
}

/** First pass: the records section's length. Leaves each record's body length and header key lengths in `sizes`. */
function measureRecords(records: readonly LogRecord[], baseTimestamp: number): number {
  let sectionLength = 0;
  let slot = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const headers = record.headers;
    if (slot + 1 + headers.length > sizes.length) growSizes(slot + 1 + headers.length);
    const bodySlot = slot++;
    let body =
      varlongSize(record.timestamp - baseTimestamp) +
      varintSize(i) +
      fieldSize(record.key, 'key', i) +
      fieldSize(record.value, 'value', i) +
      varintSize(headers.length);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      if (typeof header.key !== 'string') throw invalid(`Record ${i} has a header whose key is not a string.`);
      const keyLength = Buffer.byteLength(header.key, 'utf8');
      sizes[slot++] = keyLength;
      body += varintSize(keyLength) + keyLength + fieldSize(header.value, 'header value', i);
    }
    if (body > MAX_I32) throw tooLarge(body);
    sizes[bodySlot] = body;
    sectionLength += varintSize(body) + body;
    if (sectionLength > MAX_U32) throw tooLarge(sectionLength);
  }
  return sectionLength;
}

function writeField(buf: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, bytes.length);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/** Second pass: writes the records section at `pos`, using the sizes the first pass left in `sizes`. */
function writeRecords(records: readonly LogRecord[], baseTimestamp: number, buf: Buffer, pos: number): void {
  let slot = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const headers = record.headers;
    pos = writeVarint(buf, pos, sizes[slot++]!);
    pos = writeVarlong(buf, pos, record.timestamp - baseTimestamp);
    pos = writeVarint(buf, pos, i);
    pos = writeField(buf, pos, record.key);
    pos = writeField(buf, pos, record.value);
    pos = writeVarint(buf, pos, headers.length);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      const keyLength = sizes[slot++]!;
      pos = writeVarint(buf, pos, keyLength);
      pos += buf.write(header.key, pos, keyLength, 'utf8');
      pos = writeField(buf, pos, header.value);
    }
  }
}

function writeTimestamp(buf: Buffer, pos: number, timestamp: number): void {
  buf.writeUInt32BE(Math.floor(timestamp / TWO_POW_32), pos);
  buf.writeUInt32BE(timestamp % TWO_POW_32, pos + 4);
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding segments

/** A segment of one batch: the fixed header and one directory entry come before the batch's bytes. */
const SINGLE_BATCH_PREFIX_BYTES = SEGMENT_FIXED_HEADER_BYTES + DIRECTORY_ENTRY_BYTES;

/**
 * Batch bytes `encodeRecords` allocated with SINGLE_BATCH_PREFIX_BYTES of unused room in front of them. The first
 * one-batch segment built from such a batch uses that room and takes the batch out of this set; any later one
 * copies, so that a segment returned earlier never changes.
 */
const batchesWithFreePrefix = new WeakSet<Uint8Array>();

/** The object a one-batch segment will be: the batch's own buffer with its free prefix, or a new one. */
function singleBatchSegment(batch: Uint8Array): { out: Buffer; copy: boolean } {
  if (batchesWithFreePrefix.delete(batch) && batch.byteOffset >= SINGLE_BATCH_PREFIX_BYTES) {
    const start = batch.byteOffset - SINGLE_BATCH_PREFIX_BYTES;
    return { out: Buffer.from(batch.buffer, start, SINGLE_BATCH_PREFIX_BYTES + batch.length), copy: false };
  }
  return { out: Buffer.allocUnsafeSlow(SINGLE_BATCH_PREFIX_BYTES + batch.length), copy: true };
}

/** Builds a segment object from batches that follow each other in offsets, the first at `baseOffset`. */
export function encodeSegment(baseOffset: bigint, batches: readonly EncodedBatch[]): Uint8Array {
  if (batches.length === 0) throw invalid('A segment needs at least one batch.');
  const dataStart = SEGMENT_FIXED_HEADER_BYTES + DIRECTORY_ENTRY_BYTES * batches.length;
  let totalLength = dataStart;
  let offsetCount = 0;
  for (const batch of batches) {
    const stored = batch.bytes;
    if (stored.length < BATCH_HEADER_BYTES || readU32(stored, 0) !== batch.crc || stored[4] !== BATCH_VERSION) {
      throw invalid('A batch given to encodeSegment does not hold the bytes encodeBatch produced for it.');
    }
    totalLength += stored.length;
    offsetCount += batch.recordCount;
  }
  if (totalLength > MAX_U32) throw tooLarge(totalLength);
  if (typeof baseOffset !== 'bigint' || baseOffset < 0n || baseOffset + BigInt(offsetCount) > MAX_OFFSET) {
    throw invalid(`Base offset ${String(baseOffset)} leaves no room for ${offsetCount} offsets.`, {
      offset: baseOffset,
    });
  }

  const single = batches.length === 1 ? singleBatchSegment(batches[0]!.bytes) : null;
  const out = single === null ? Buffer.allocUnsafeSlow(totalLength) : single.out;
  out.fill(0, 0, dataStart);
  out.set(MAGIC, 0);
  out[4] = SEGMENT_MAJOR_VERSION;
  out[5] = SEGMENT_MINOR_VERSION;
  out.writeBigUInt64BE(baseOffset, 8);
  out.writeUInt32BE(offsetCount, 16);
  out.writeUInt32BE(batches.length, 20);
  out.writeUInt32BE(dataStart, 24);
  out.writeUInt32BE(totalLength, 28);

  let relativeOffset = 0;
  let position = dataStart;
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i]!;
    const at = SEGMENT_FIXED_HEADER_BYTES + DIRECTORY_ENTRY_BYTES * i;
    out.writeUInt32BE(relativeOffset, at);
    out.writeUInt32BE(batch.recordCount, at + 4);
    out.writeUInt32BE(position, at + 8);
    out.writeUInt32BE(batch.bytes.length, at + 12);
    out.writeBigUInt64BE(batch.producerId, at + 16);
    out.writeInt32BE(batch.baseSequence, at + 24);
    out.writeUInt32BE(batch.writerEpoch, at + 28);
    writeTimestamp(out, at + 32, batch.maxTimestamp);
    out[at + 40] = batch.bytes[5]!;
    if (single === null || single.copy) out.set(batch.bytes, position);
    relativeOffset += batch.recordCount;
    position += batch.bytes.length;
  }
  const headerCrc = crc32c(out.subarray(SEGMENT_FIXED_HEADER_BYTES, dataStart), crc32c(out.subarray(0, 32)));
  out.writeUInt32BE(headerCrc, 32);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding segment headers

function readU32(bytes: Uint8Array, pos: number): number {
  return ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) >>> 0;
}

function readI32(bytes: Uint8Array, pos: number): number {
  return (bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
}

function readU64(bytes: Uint8Array, pos: number): bigint {
  return (BigInt(readU32(bytes, pos)) << 32n) | BigInt(readU32(bytes, pos + 4));
}

/** Reads an i64 timestamp, or returns -1 when it lies outside 0..MAX_TIMESTAMP_MS (klog never writes one). */
function readTimestamp(bytes: Uint8Array, pos: number): number {
  const high = readU32(bytes, pos);
  if (high >= MAX_TIMESTAMP_HIGH_WORD) return -1;
  return high * TWO_POW_32 + readU32(bytes, pos + 4);
}

/** Checks magic and major version: the part of a header that must be understood before anything else. */
function checkMagicAndVersion(bytes: Uint8Array, key: string): void {
  if (bytes.length < SEGMENT_FIXED_HEADER_BYTES) {
    throw corrupt(
      key,
      `it is truncated: ${bytes.length} bytes, shorter than the ${SEGMENT_FIXED_HEADER_BYTES}-byte header`,
    );
  }
  if (bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2] || bytes[3] !== MAGIC[3]) {
    throw corrupt(key, 'it does not start with the segment magic "KLGS"');
  }
  const major = bytes[4]!;
  if (major > SEGMENT_MAJOR_VERSION) throw newerFormat(key, 'storage format', major);
  if (major < SEGMENT_MAJOR_VERSION) {
    throw corrupt(key, `its header names storage format ${major}, which never existed`);
  }
}

/**
 * Bytes of header and directory that `decodeSegmentHeader` needs, read from the first 40 bytes (or more) of a
 * segment. A reader of a large segment fetches that many bytes with one range GET, then only the batches it wants.
 */
export function segmentHeaderLength(prefix: Uint8Array, key: string): number {
  checkMagicAndVersion(prefix, key);
  const batchCount = readU32(prefix, 20);
  const dataStart = readU32(prefix, 24);
  if (batchCount === 0 || dataStart !== SEGMENT_FIXED_HEADER_BYTES + DIRECTORY_ENTRY_BYTES * batchCount) {
    throw corrupt(key, `its header names ${batchCount} batches and a directory ending at byte ${dataStart}`);
  }
  return dataStart;
}

/**
 * Decodes and verifies a segment's header and batch directory. `bytes` is the whole object or a prefix holding at
 * least `segmentHeaderLength` bytes. Verifies the magic, the version, the header CRC and that the directory
 * describes batches that follow each other in offsets and bytes.
 */
export function decodeSegmentHeader(bytes: Uint8Array, key: string): SegmentHeader {
  const dataStart = segmentHeaderLength(bytes, key);
  if (bytes.length < dataStart) {
    throw corrupt(key, `it is truncated: its header and directory need ${dataStart} bytes, only ${bytes.length} exist`);
  }
  const storedCrc = readU32(bytes, 32);
  const headerCrc = crc32c(bytes.subarray(SEGMENT_FIXED_HEADER_BYTES, dataStart), crc32c(bytes.subarray(0, 32)));
  if (storedCrc !== headerCrc) throw corrupt(key, 'its header or batch directory fails its checksum');

  const baseOffset = readU64(bytes, 8);
  const offsetCount = readU32(bytes, 16);
  const batchCount = readU32(bytes, 20);
  const totalLength = readU32(bytes, 28);
  if (bytes.length > totalLength) {
    throw corrupt(key, `it is ${bytes.length} bytes long but its header says ${totalLength}`);
  }

  const batches: BatchEntry[] = [];
  let relativeOffset = 0;
  let position = dataStart;
  for (let i = 0; i < batchCount; i++) {
    const entry = readDirectoryEntry(bytes, SEGMENT_FIXED_HEADER_BYTES + DIRECTORY_ENTRY_BYTES * i, key);
    const where = `directory entry ${i}`;
    if (entry.relativeOffset !== relativeOffset) {
      throw corrupt(key, `${where} starts at relative offset ${entry.relativeOffset} instead of ${relativeOffset}`);
    }
    if (entry.offsetCount === 0 || (entry.control && entry.offsetCount !== 1)) {
      throw corrupt(key, `${where} holds ${entry.offsetCount} offsets`);
    }
    if (entry.position !== position || entry.length < BATCH_HEADER_BYTES || entry.length > totalLength - position) {
      throw corrupt(key, `${where} places its batch at bytes ${entry.position}..${entry.position + entry.length}`);
    }
    batches.push(entry);
    relativeOffset += entry.offsetCount;
    position += entry.length;
  }
  if (relativeOffset !== offsetCount) {
    throw corrupt(key, `its batches hold ${relativeOffset} offsets but its header says ${offsetCount}`);
  }
  if (position !== totalLength) {
    throw corrupt(key, `its batches end at byte ${position} but its header says the object is ${totalLength} bytes`);
  }
  return { baseOffset, offsetCount, endOffset: baseOffset + BigInt(offsetCount), batches, dataStart, totalLength };
}

function readDirectoryEntry(bytes: Uint8Array, at: number, key: string): BatchEntry {
  const maxTimestamp = readTimestamp(bytes, at + 32);
  if (maxTimestamp < 0) throw corrupt(key, 'a directory entry holds a timestamp klog never writes');
  const attributes = bytes[at + 40]!;
  return {
    relativeOffset: readU32(bytes, at),
    offsetCount: readU32(bytes, at + 4),
    position: readU32(bytes, at + 8),
    length: readU32(bytes, at + 12),
    producerId: readU64(bytes, at + 16),
    baseSequence: readI32(bytes, at + 24),
    writerEpoch: readU32(bytes, at + 28),
    maxTimestamp,
    control: (attributes & ATTRIBUTE_CONTROL) !== 0,
    compression: codecFromId(attributes & ATTRIBUTE_CODEC_MASK, key),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding batches

/** CRC-32C a batch's first four bytes must hold: the checksum of the rest of the batch. */
export function batchCrc(batchBytes: Uint8Array): number {
  return crc32c(batchBytes.subarray(4));
}

interface BatchHeader {
  crc: number;
  control: boolean;
  compression: Compression;
  producerId: bigint;
  baseSequence: number;
  writerEpoch: number;
  recordCount: number;
  baseTimestamp: number;
  maxTimestamp: number;
  uncompressedLength: number;
}

/** Reads a batch's 48-byte header after verifying the checksum that covers it and everything after it. */
function readBatchHeader(batchBytes: Uint8Array, key: string, where: string): BatchHeader {
  if (batchBytes.length < BATCH_HEADER_BYTES) {
    throw corrupt(key, `${where} is ${batchBytes.length} bytes, shorter than a batch header`);
  }
  const crc = readU32(batchBytes, 0);
  if (batchCrc(batchBytes) !== crc) throw corrupt(key, `${where} fails its checksum`);
  // The version is read after the checksum so that a flipped bit is reported as corruption, not as a newer klog.
  if (batchBytes[4] !== BATCH_VERSION) throw newerFormat(key, 'batch format', batchBytes[4]!);
  const attributes = batchBytes[5]!;
  const baseTimestamp = readTimestamp(batchBytes, 28);
  const maxTimestamp = readTimestamp(batchBytes, 36);
  if (baseTimestamp < 0 || maxTimestamp < baseTimestamp) {
    throw corrupt(key, `${where} holds timestamps klog never writes`);
  }
  return {
    crc,
    control: (attributes & ATTRIBUTE_CONTROL) !== 0,
    compression: codecFromId(attributes & ATTRIBUTE_CODEC_MASK, key),
    producerId: readU64(batchBytes, 8),
    baseSequence: readI32(batchBytes, 16),
    writerEpoch: readU32(batchBytes, 20),
    recordCount: readU32(batchBytes, 24),
    baseTimestamp,
    maxTimestamp,
    uncompressedLength: readU32(batchBytes, 44),
  };
}

/**
 * Wraps the bytes of a stored batch (for example one read from a segment being compacted) so that
 * `encodeSegment` can copy it into a new segment without decoding its records. Verifies the batch's checksum.
 */
export function encodedBatchFromBytes(batchBytes: Uint8Array, key: string): EncodedBatch {
  const header = readBatchHeader(batchBytes, key, 'a batch');
  return {
    bytes: batchBytes,
    crc: header.crc,
    recordCount: header.recordCount,
    producerId: header.producerId,
    baseSequence: header.baseSequence,
    writerEpoch: header.writerEpoch,
    control: header.control,
    compression: header.compression,
    baseTimestamp: header.baseTimestamp,
    maxTimestamp: header.maxTimestamp,
  };
}

/**
 * Decodes one batch of a segment. `batchBytes` are exactly the bytes its directory entry points at. Verifies the
 * checksum, that the batch agrees with its directory entry, and that every record lies inside its bounds.
 */
export function decodeBatch(batchBytes: Uint8Array, entry: BatchEntry, segmentBase: bigint, key: string): DecodedBatch {
  const { header, baseOffset, where, section } = openBatch(batchBytes, entry, segmentBase, key);
  let records: StoredRecord[];
  try {
    records = readRecords(section, header, baseOffset, key, where);
  } catch (error) {
    if (error instanceof VarintError) throw corrupt(key, `${where} holds a malformed record: ${error.message}`);
    throw error;
  }
  const decoded: DecodedBatch = { entry, baseOffset, crc: header.crc, control: header.control, records };
  if (header.control) {
    decoded.controlRecord = readControlRecord(records, key, where);
    decoded.records = [];
  }
  return decoded;
}

/**
 * A data batch whose records were checked and measured but not built yet: a consumer holds many of these in its
 * fetch buffer, and record objects that live that long cost more in garbage collection than building them later.
 */
export class ScannedBatch {
  readonly baseOffset: bigint;
  /** Payload bytes of each record: key, value, and header keys and values (`recordPayloadBytes`). */
  readonly sizes: Uint32Array;
  private readonly section: Uint8Array;
  private readonly header: BatchHeader;
  private readonly key: string;
  private readonly where: string;

  constructor(opened: OpenedBatch, sizes: Uint32Array, key: string) {
    this.baseOffset = opened.baseOffset;
    this.section = opened.section;
    this.header = opened.header;
    this.where = opened.where;
    this.sizes = sizes;
    this.key = key;
  }

  /** Builds the records, as `decodeBatch` does (the checks were made when the batch was scanned). */
  records(): StoredRecord[] {
    return readRecords(this.section, this.header, this.baseOffset, this.key, this.where);
  }
}

/**
 * Checks a data batch as `decodeBatch` does, checksum and every record, and measures its records without building
 * them (`ScannedBatch.records` does that later). Control batches are refused: they are decoded, never delivered.
 */
export function scanBatch(batchBytes: Uint8Array, entry: BatchEntry, segmentBase: bigint, key: string): ScannedBatch {
  const opened = openBatch(batchBytes, entry, segmentBase, key);
  if (opened.header.control) throw new KlogError('INTERNAL_ERROR', `${opened.where} in ${key} is a control batch.`);
  try {
    return new ScannedBatch(opened, scanRecords(opened, key), key);
  } catch (error) {
    if (error instanceof VarintError) throw corrupt(key, `${opened.where} holds a malformed record: ${error.message}`);
    throw error;
  }
}

interface OpenedBatch {
  header: BatchHeader;
  baseOffset: bigint;
  /** "the batch at offset N", for error messages. */
  where: string;
  /** The records section, decompressed. */
  section: Uint8Array;
}

/** Checks a batch's header against its directory entry and decompresses its records. */
function openBatch(batchBytes: Uint8Array, entry: BatchEntry, segmentBase: bigint, key: string): OpenedBatch {
  const baseOffset = segmentBase + BigInt(entry.relativeOffset);
  const where = `the batch at offset ${baseOffset}`;
  if (batchBytes.length !== entry.length) {
    throw corrupt(key, `${where} is ${batchBytes.length} bytes where its directory entry says ${entry.length}`);
  }
  const header = readBatchHeader(batchBytes, key, where);
  if (
    header.control !== entry.control ||
    header.compression !== entry.compression ||
    header.producerId !== entry.producerId ||
    header.baseSequence !== entry.baseSequence ||
    header.writerEpoch !== entry.writerEpoch ||
    header.maxTimestamp !== entry.maxTimestamp ||
    header.recordCount !== entry.offsetCount
  ) {
    throw corrupt(key, `${where} does not match its directory entry`);
  }
  if (header.recordCount * MIN_RECORD_BYTES > header.uncompressedLength) {
    throw corrupt(key, `${where} claims ${header.recordCount} records in ${header.uncompressedLength} bytes`);
  }
  const section = decompress(
    header.compression,
    batchBytes.subarray(BATCH_HEADER_BYTES),
    header.uncompressedLength,
    key,
  );
  return { header, baseOffset, where, section };
}

/** The checks of `readRecords`, record by record, measuring payload bytes instead of building records. */
function scanRecords(opened: OpenedBatch, key: string): Uint32Array {
  const { section, header, where } = opened;
  return walkRecords(section, {
    recordCount: header.recordCount,
    baseTimestamp: header.baseTimestamp,
    maxTimestamp: header.maxTimestamp,
    where,
    fail: (problem) => corrupt(key, problem),
    strictHeaderKeys: false,
  }).sizes;
}

function readRecords(
  section: Uint8Array,
  header: BatchHeader,
  baseOffset: bigint,
  key: string,
  where: string,
): StoredRecord[] {
  // Keys and values are views made from a Buffer, so that they are Buffers already and the consumer does not wrap
  // each of them in a second object.
  const text = Buffer.isBuffer(section) ? section : Buffer.from(section.buffer, section.byteOffset, section.byteLength);
  const cursor: ReadCursor = { bytes: text, pos: 0, end: text.length };
  const { recordCount, baseTimestamp, maxTimestamp } = header;
  const records: StoredRecord[] = new Array(recordCount);
  let offset = baseOffset;
  for (let i = 0; i < recordCount; i++) {
    cursor.end = section.length;
    const length = readVarint(cursor);
    if (length < 0 || length > section.length - cursor.pos) {
      throw corrupt(key, `${where}: record ${i} claims ${length} bytes`);
    }
    const recordEnd = cursor.pos + length;
    cursor.end = recordEnd;
    const timestamp = baseTimestamp + readVarlong(cursor);
    if (timestamp < baseTimestamp || timestamp > maxTimestamp) {
      throw corrupt(key, `${where}: record ${i} has a timestamp outside the batch's range`);
    }
    if (readVarint(cursor) !== i) throw corrupt(key, `${where}: record ${i} has the wrong offset delta`);
    const recordKey = readField(cursor, key, where);
    const value = readField(cursor, key, where);
    const headerCount = readVarint(cursor);
    if (headerCount < 0 || headerCount * MIN_HEADER_BYTES > cursor.end - cursor.pos) {
      throw corrupt(key, `${where}: record ${i} claims ${headerCount} headers`);
    }
    const headers: RecordHeader[] = headerCount === 0 ? NO_HEADERS : [];
    for (let h = 0; h < headerCount; h++) {
      const keyLength = readVarint(cursor);
      if (keyLength < 0 || keyLength > cursor.end - cursor.pos) {
        throw corrupt(key, `${where}: record ${i} has a header key of ${keyLength} bytes`);
      }
      const headerKey = text.toString('utf8', cursor.pos, cursor.pos + keyLength);
      cursor.pos += keyLength;
      headers.push({ key: headerKey, value: readField(cursor, key, where) });
    }
    if (cursor.pos !== recordEnd) throw corrupt(key, `${where}: record ${i} has bytes after its last header`);
    records[i] = { offset, timestamp, key: recordKey, value, headers };
    offset += 1n;
  }
  if (cursor.pos !== section.length) throw corrupt(key, `${where} has bytes after its last record`);
  return records;
}

function readField(cursor: ReadCursor, key: string, where: string): Uint8Array | null {
  const length = readVarint(cursor);
  if (length === -1) return null;
  if (length < -1 || length > cursor.end - cursor.pos) {
    throw corrupt(key, `${where} holds a field of ${length} bytes that does not fit in its record`);
  }
  const start = cursor.pos;
  cursor.pos += length;
  return cursor.bytes.subarray(start, cursor.pos);
}

function readControlRecord(
  records: readonly StoredRecord[],
  key: string,
  where: string,
): { type: number; payload: Record<string, unknown> } {
  const record = records[0];
  if (records.length !== 1 || record === undefined) {
    throw corrupt(key, `${where} is a control batch with ${records.length} records`);
  }
  const controlKey = record.key;
  if (controlKey === null || controlKey.length !== CONTROL_KEY_BYTES || record.value === null) {
    throw corrupt(key, `${where} is a control batch with a malformed control record`);
  }
  // Newer control record versions may only add payload fields, so any version from 1 up reads the same way.
  if (((controlKey[0]! << 8) | controlKey[1]!) < CONTROL_RECORD_VERSION) {
    throw corrupt(key, `${where} is a control batch that names control record version 0`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(record.value.buffer, record.value.byteOffset, record.value.length).toString());
  } catch (cause) {
    throw corrupt(key, `${where} is a control batch whose payload is not JSON`, cause);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw corrupt(key, `${where} is a control batch whose payload is not a JSON object`);
  }
  return { type: (controlKey[2]! << 8) | controlKey[3]!, payload: payload as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding whole segments

/** Decodes and verifies a whole segment object: header, directory, every batch, and that nothing is missing. */
export function decodeSegment(bytes: Uint8Array, key: string): { header: SegmentHeader; batches: DecodedBatch[] } {
  const header = decodeSegmentHeader(bytes, key);
  if (bytes.length !== header.totalLength) {
    throw corrupt(key, `it is truncated: ${bytes.length} of its ${header.totalLength} bytes are present`);
  }
  const batches = header.batches.map((entry) =>
    decodeBatch(bytes.subarray(entry.position, entry.position + entry.length), entry, header.baseOffset, key),
  );
  return { header, batches };
}
