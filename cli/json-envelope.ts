/**
 * The JSON line `klog consume --json` prints for each record: `{topic, partition, offset, timestamp, headers, key,
 * value}`. Offsets and timestamps are strings, as in the SDK (kafkajs's shape), because offsets may exceed what a
 * JSON number read by JavaScript holds exactly; `headers` maps each key to a string, or to an array of strings
 * when the key occurs more than once; keys, values and header values are strings per `--encoding` (see
 * byte-encoding.ts), or null.
 */
import { type ByteEncoding, encodeForJson } from './byte-encoding.js';
import type { OutputRecord } from './consume-format.js';

export interface JsonEnvelope {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  headers: Record<string, string | string[]>;
  key: string | null;
  value: string | null;
}

export function jsonEnvelope({ topic, partition, message }: OutputRecord, encoding: ByteEncoding): JsonEnvelope {
  const encode = (bytes: Buffer | null) => (bytes === null ? null : encodeForJson(bytes, encoding));
  // fromEntries defines own properties, so a header named "__proto__" stays a header.
  const headers = Object.fromEntries(
    Object.entries(message.headers).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map((one) => encodeForJson(one, encoding)) : encodeForJson(value, encoding),
    ]),
  );
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    headers,
    key: encode(message.key),
    value: encode(message.value),
  };
}

/** One envelope as a line of output. */
export function jsonLine(record: OutputRecord, encoding: ByteEncoding): Buffer {
  return Buffer.from(`${JSON.stringify(jsonEnvelope(record, encoding))}\n`, 'utf8');
}
