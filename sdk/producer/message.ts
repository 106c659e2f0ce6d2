/**
 * kafkajs-shaped messages and their conversion to the log's records. Keys, values and header values are
 * `Buffer | string | null` in (strings are UTF-8), timestamps are strings of milliseconds (kafkajs's shape)
 * defaulting to the time of the send. Buffers are used as they are, not copied: a caller must not change a
 * buffer it passed to `send` before that send settles.
 *
 * A message's topic and position in its send are passed as two arguments, not as an object, so that
 * converting a message allocates nothing beyond its record; they are only used to word errors.
 */
import { KlogError } from '../errors.js';
import { type LogRecord, MAX_TIMESTAMP_MS, type RecordHeader } from '../format/segment.js';

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export interface IHeaders {
  [key: string]: HeaderValue;
}

export interface Message {
  key?: Buffer | string | null;
  /** Required, as in kafkajs; `null` is a record without a value (a tombstone). */
  value: Buffer | string | null;
  /** An explicit partition; it wins over the key. */
  partition?: number;
  headers?: IHeaders;
  /** Milliseconds since the epoch, as a string (kafkajs's shape); the time of the send when absent. */
  timestamp?: string;
}

/**
 * Records without headers share this array instead of allocating one each. Nothing in the write path changes
 * a record's headers, and the array is frozen so that a mistake would throw instead of leaking headers.
 */
const NO_HEADERS = Object.freeze([]) as unknown as RecordHeader[];

/** Converts one message; `now` is the send's timestamp, read once per send rather than once per message. */
export function toLogRecord(message: Message, now: number, topic: string, index: number): LogRecord {
  if (typeof message !== 'object' || message === null) {
    throw invalidMessage(topic, index, `is ${typeName(message)}, not an object like { key, value, headers }`);
  }
  if (message.value === undefined) {
    throw invalidMessage(topic, index, 'has no value; pass value: null for a record without a value (a tombstone)');
  }
  return {
    key: toBytes(message.key, topic, index, 'key'),
    value: toBytes(message.value, topic, index, 'value'),
    headers: message.headers === undefined ? NO_HEADERS : toHeaders(message.headers, topic, index),
    timestamp: message.timestamp === undefined ? now : toTimestamp(message.timestamp, topic, index),
  };
}

/** A message's explicit partition, checked to be a partition number; -1 when it has none. */
export function explicitPartition(message: Message, topic: string, index: number): number {
  const partition: unknown = message.partition;
  if (partition === undefined || partition === null) return -1;
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) {
    throw invalidMessage(topic, index, `has partition ${describe(partition)}; a partition is an integer from 0 up`);
  }
  return partition;
}

function toBytes(value: unknown, topic: string, index: number, field: string): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return value;
  throw invalidMessage(topic, index, `has a ${field} of type ${typeName(value)}; use a Buffer, a string or null`);
}

function toHeaders(headers: IHeaders, topic: string, index: number): RecordHeader[] {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw invalidMessage(topic, index, `has headers of type ${typeName(headers)}; use an object { name: value }`);
  }
  const result: RecordHeader[] = [];
  for (const key in headers) {
    if (!Object.hasOwn(headers, key)) continue;
    const value: unknown = headers[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      // Kafka lets a header key repeat; kafkajs writes an array value as one header per element, in order.
      for (const element of value) result.push({ key, value: toBytes(element, topic, index, `header "${key}"`) });
    } else {
      result.push({ key, value: toBytes(value, topic, index, `header "${key}"`) });
    }
  }
  return result;
}

function toTimestamp(timestamp: unknown, topic: string, index: number): number {
  const ms = typeof timestamp === 'string' && timestamp.trim() !== '' ? Number(timestamp) : timestamp;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_TIMESTAMP_MS) {
    throw invalidMessage(
      topic,
      index,
      `has timestamp ${describe(timestamp)}; use milliseconds since the epoch as a string, such as ` +
        `String(Date.now()), from 0 to ${MAX_TIMESTAMP_MS}`,
    );
  }
  return ms;
}

function invalidMessage(topic: string, index: number, problem: string): KlogError {
  return new KlogError('INVALID_ARGUMENT', `Message ${index} for topic "${topic}" ${problem}.`, {
    context: { topic, messageIndex: index },
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return `of type ${typeName(value)}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
