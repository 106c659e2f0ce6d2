/**
 * The messages a consumer hands to `eachMessage` and `eachBatch`, in kafkajs's shape: keys, values and header
 * values are Buffers (or null), offsets and timestamps are strings. Buffers are views on the bytes read from
 * the store, not copies, because copying every record would cost more than the rest of the read path: treat
 * them as read-only, and copy one before changing it.
 */
import type { StoredRecord } from '../format/segment.js';

export interface ConsumedHeaders {
  /** A header that occurs once is a Buffer; one that occurs several times is an array, in record order. */
  [key: string]: Buffer | Buffer[];
}

export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: ConsumedHeaders;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string;
  offset: string;
  /** Always 0: klog keeps compression and control flags on batches, not on records. */
  attributes: 0;
  /** Payload bytes: key, value, and header keys and values (the measure of `maxMessageBytes` and the counters). */
  size: number;
}

const EMPTY = Buffer.alloc(0);

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toHeaders(record: StoredRecord): ConsumedHeaders {
  const headers: ConsumedHeaders = {};
  const stored = record.headers;
  if (stored.length === 0) return headers;
  for (const header of stored) {
    // The public header type has no null; a header stored without a value (only possible for records not
    // written by the Producer) reads as an empty Buffer.
    const value = header.value === null ? EMPTY : asBuffer(header.value);
    // Header keys come from the log: "constructor" must not find Object's, "__proto__" must not set a prototype.
    const existing = Object.hasOwn(headers, header.key) ? headers[header.key] : undefined;
    if (existing === undefined) setHeader(headers, header.key, value);
    else if (Array.isArray(existing)) existing.push(value);
    else setHeader(headers, header.key, [existing, value]);
  }
  return headers;
}

function setHeader(headers: ConsumedHeaders, key: string, value: Buffer | Buffer[]): void {
  if (key === '__proto__') {
    Object.defineProperty(headers, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    headers[key] = value;
  }
}

const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** Offsets below 2^53 are converted through a number: cheaper than a bigint's own `toString`, same digits. */
function offsetText(offset: bigint): string {
  return offset <= MAX_SAFE_OFFSET ? String(Number(offset)) : offset.toString();
}

/**
 * The text of the last timestamp converted: the records of a batch mostly share a timestamp (a send stamps all
 * its messages with one), so they can share its string too.
 */
let lastTimestamp = -1;
let lastTimestampText = '';

function timestampText(timestamp: number): string {
  if (timestamp !== lastTimestamp) {
    lastTimestamp = timestamp;
    lastTimestampText = String(timestamp);
  }
  return lastTimestampText;
}

/** `size` is passed in because the consumer already measured the record when it buffered it. */
export function toConsumedMessage(record: StoredRecord, size: number): ConsumedMessage {
  return {
    key: record.key === null ? null : asBuffer(record.key),
    value: record.value === null ? null : asBuffer(record.value),
    headers: toHeaders(record),
    timestamp: timestampText(record.timestamp),
    offset: offsetText(record.offset),
    attributes: 0,
    size,
  };
}
