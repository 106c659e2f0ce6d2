/**
 * Records on the broker's wire (docs/broker-api.md):
 *
 *   - Binary produce body (`application/vnd.klog.batch`): exactly one batch in klog's batch encoding
 *     (sdk/format/segment.ts, "Batch"). Its header carries the producer id, base sequence and codec; the broker
 *     checks its CRC and rejects control batches.
 *   - Binary fetch answer (`application/vnd.klog.batch`): frames back to back, each
 *       u64 baseOffset (big-endian) | u32 length | one batch in klog's batch encoding (`length` bytes)
 *     whose records hold offsets baseOffset, baseOffset + 1, ... A frame is one run of consecutive offsets:
 *     control records and records before the requested offset are left out, so runs break there. An empty
 *     body means no records; the `klog-next-offset` header says where to continue.
 *   - JSON records for curl users: keys, values and header values as UTF-8 text (`encoding: "utf8"`, the
 *     default) or base64 (`encoding: "base64"`), null for a null key or value.
 */
import { KlogError } from '../errors.js';
import { type Compression, isCompression } from '../format/compression.js';
import { checkProducedBatch } from '../format/produced-batch.js';
import {
  type BatchEntry,
  decodeBatch,
  type EncodedBatch,
  encodeBatch,
  encodedBatchFromBytes,
  type LogRecord,
  type RecordHeader,
  type StoredRecord,
} from '../format/segment.js';
import type { AppendRequest, EncodedAppendRequest } from '../log/partition-writer.js';

const FRAME_HEADER_BYTES = 12;
const WHERE_PRODUCE = 'the produce request body';
const WHERE_FETCH = 'the fetch answer';

// ---------------------------------------------------------------------------------------------------------------
// Binary produce

/** The body of a binary produce request: the batch as the producer would store it. */
export function encodeProduceBody(request: AppendRequest): Uint8Array {
  return encodeBatch(request.records, {
    producerId: request.producerId,
    baseSequence: request.baseSequence,
    writerEpoch: 0,
    compression: request.compression ?? 'none',
  }).bytes;
}

/**
 * A binary produce body as the broker appends it: the producer's batch, checked (CRC, records, producer fields;
 * sdk/format/produced-batch.ts) and stored as it is, without decoding its records. A malformed body is
 * INVALID_ARGUMENT.
 */
export function produceBatchFromBody(body: Uint8Array): EncodedAppendRequest {
  try {
    return { batch: checkProducedBatch(body) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new KlogError('INVALID_ARGUMENT', `The body is not one klog batch (${why})`, { cause: error });
  }
}

/** Reads a binary produce body back into an append request with its records. A malformed body is INVALID_ARGUMENT. */
export function decodeProduceBody(body: Uint8Array): AppendRequest {
  let batch: EncodedBatch;
  let records: StoredRecord[];
  try {
    batch = encodedBatchFromBytes(body, WHERE_PRODUCE);
    records = decodeBatch(body, entryOf(batch), 0n, WHERE_PRODUCE).records;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new KlogError('INVALID_ARGUMENT', `The body is not one klog batch (${why}).`, { cause: error });
  }
  if (batch.control) {
    throw new KlogError('INVALID_ARGUMENT', 'The body is a control batch; producers may only send record batches.');
  }
  return {
    records: records.map(({ key, value, headers, timestamp }) => ({ key, value, headers, timestamp })),
    producerId: batch.producerId,
    baseSequence: batch.baseSequence,
    compression: batch.compression,
  };
}

/** The directory entry a standalone batch would have at relative offset 0 and position 0. */
function entryOf(batch: EncodedBatch): BatchEntry {
  return {
    relativeOffset: 0,
    offsetCount: batch.recordCount,
    position: 0,
    length: batch.bytes.length,
    producerId: batch.producerId,
    baseSequence: batch.baseSequence,
    writerEpoch: batch.writerEpoch,
    maxTimestamp: batch.maxTimestamp,
    control: batch.control,
    compression: batch.compression,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Binary fetch

/** Frames records (in offset order) for a fetch answer, one batch per run of consecutive offsets. */
export function encodeFetchBody(records: readonly StoredRecord[], compression: Compression = 'none'): Uint8Array {
  const frames: Uint8Array[] = [];
  let run: StoredRecord[] = [];
  const flush = (): void => {
    const first = run[0];
    if (first === undefined) return;
    const batch = encodeBatch(run, { producerId: 0n, baseSequence: -1, writerEpoch: 0, compression }).bytes;
    const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + batch.length);
    frame.writeBigUInt64BE(first.offset, 0);
    frame.writeUInt32BE(batch.length, 8);
    frame.set(batch, FRAME_HEADER_BYTES);
    frames.push(frame);
    run = [];
  };
  for (const record of records) {
    const last = run.at(-1);
    if (last !== undefined && record.offset !== last.offset + 1n) flush();
    run.push(record);
  }
  flush();
  return Buffer.concat(frames);
}

/** Reads a fetch answer's frames back into records. A malformed answer is CORRUPT_OBJECT. */
export function decodeFetchBody(body: Uint8Array): StoredRecord[] {
  const view = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const records: StoredRecord[] = [];
  for (let position = 0; position < view.length; ) {
    if (position + FRAME_HEADER_BYTES > view.length) throw truncated(position);
    const baseOffset = view.readBigUInt64BE(position);
    const length = view.readUInt32BE(position + 8);
    const start = position + FRAME_HEADER_BYTES;
    if (start + length > view.length) throw truncated(position);
    const bytes = view.subarray(start, start + length);
    const batch = encodedBatchFromBytes(bytes, WHERE_FETCH);
    for (const record of decodeBatch(bytes, entryOf(batch), baseOffset, WHERE_FETCH).records) records.push(record);
    position = start + length;
  }
  return records;
}

function truncated(position: number): KlogError {
  return new KlogError('CORRUPT_OBJECT', `The broker's fetch answer is truncated at byte ${position}.`, {
    context: { position },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// JSON records

export type RecordEncoding = 'utf8' | 'base64';

export function isRecordEncoding(value: unknown): value is RecordEncoding {
  return value === 'utf8' || value === 'base64';
}

export interface JsonHeader {
  key: string;
  value: string | null;
}

/** A record in a JSON produce body. Only `value` is needed; headers may also be an object of name to value. */
export interface JsonRecordIn {
  key?: string | null;
  value?: string | null;
  headers?: JsonHeader[] | Record<string, string | null>;
  /** Milliseconds since the epoch; the broker's clock when absent. */
  timestamp?: number;
}

export interface JsonProduceBody {
  records: JsonRecordIn[];
  encoding?: RecordEncoding;
  /** For idempotent JSON producers: a decimal u64 and the sequence of the first record. */
  producerId?: string;
  baseSequence?: number;
  compression?: Compression;
}

/** A record in a JSON fetch answer. */
export interface JsonRecordOut {
  offset: string;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: JsonHeader[];
}

export interface JsonFetchAnswer {
  records: JsonRecordOut[];
  nextOffset: string;
  encoding: RecordEncoding;
}

/** Reads a JSON produce body; every problem is INVALID_ARGUMENT naming the field. */
export function parseJsonProduceBody(body: unknown, now: number = Date.now()): AppendRequest {
  if (!isObject(body) || !Array.isArray(body.records)) {
    throw invalid('The JSON body must be an object with a "records" array.');
  }
  const encoding = body.encoding ?? 'utf8';
  if (!isRecordEncoding(encoding)) throw invalid(`"encoding" must be "utf8" or "base64", got ${show(encoding)}.`);
  const compression = body.compression ?? 'none';
  if (!isCompression(compression)) {
    throw invalid(`"compression" must be "none", "gzip" or "snappy", got ${show(compression)}.`);
  }
  const records = body.records.map((record: unknown, index: number) =>
    parseJsonRecord(record, `records[${index}]`, encoding, now),
  );
  if (records.length === 0) throw invalid('"records" must hold at least one record.');
  const { producerId, baseSequence } = parseProducer(body.producerId, body.baseSequence);
  return { records, producerId, baseSequence, compression };
}

function parseProducer(producerId: unknown, baseSequence: unknown): { producerId: bigint; baseSequence: number } {
  if (producerId === undefined && baseSequence === undefined) return { producerId: 0n, baseSequence: -1 };
  if (typeof producerId !== 'string' || !/^[1-9][0-9]{0,19}$/.test(producerId) || BigInt(producerId) >= 2n ** 64n) {
    throw invalid(`"producerId" must be a decimal string from 1 to 2^64-1, got ${show(producerId)}.`);
  }
  if (typeof baseSequence !== 'number' || !Number.isInteger(baseSequence) || baseSequence < 0) {
    throw invalid(`"baseSequence" must be a whole number from 0 with "producerId", got ${show(baseSequence)}.`);
  }
  return { producerId: BigInt(producerId), baseSequence };
}

function parseJsonRecord(value: unknown, where: string, encoding: RecordEncoding, now: number): LogRecord {
  if (!isObject(value)) throw invalid(`${where} must be an object with a "value".`);
  const timestamp = value.timestamp ?? now;
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0) {
    throw invalid(`${where}.timestamp must be whole milliseconds since the epoch, got ${show(timestamp)}.`);
  }
  return {
    key: parseBytes(value.key, `${where}.key`, encoding),
    value: parseBytes(value.value, `${where}.value`, encoding),
    headers: parseHeaders(value.headers, `${where}.headers`, encoding),
    timestamp,
  };
}

function parseHeaders(value: unknown, where: string, encoding: RecordEncoding): RecordHeader[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) && !isObject(value)) throw invalid(`${where} must be an array or an object.`);
  const entries: [unknown, unknown][] = Array.isArray(value)
    ? value.map((header: unknown, index) => {
        if (!isObject(header)) throw invalid(`${where}[${index}] must be an object with "key" and "value".`);
        return [header.key, header.value];
      })
    : Object.entries(value);
  return entries.map(([key, headerValue], index) => {
    if (typeof key !== 'string') throw invalid(`${where}[${index}].key must be a string.`);
    return { key, value: parseBytes(headerValue, `${where}[${index}].value`, encoding) };
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parseBytes(value: unknown, where: string, encoding: RecordEncoding): Uint8Array | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`${where} must be a string or null, got ${show(value)}.`);
  if (encoding === 'utf8') return Buffer.from(value, 'utf8');
  if (value.length % 4 !== 0 || !BASE64.test(value)) throw invalid(`${where} is not valid base64.`);
  return Buffer.from(value, 'base64');
}

export function recordToJson(record: StoredRecord, encoding: RecordEncoding): JsonRecordOut {
  return {
    offset: record.offset.toString(),
    timestamp: record.timestamp,
    key: bytesToText(record.key, encoding),
    value: bytesToText(record.value, encoding),
    headers: record.headers.map((header) => ({ key: header.key, value: bytesToText(header.value, encoding) })),
  };
}

function bytesToText(bytes: Uint8Array | null, encoding: RecordEncoding): string | null {
  if (bytes === null) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding);
}

function invalid(message: string): KlogError {
  return new KlogError('INVALID_ARGUMENT', message);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
