/**
 * Turns one input line of `klog produce` into a record's key and value, as Kafka's console producer reads
 * lines: with `--parse-key` the line is split at the first key separator (key before it, value after it); a
 * key or value equal to the null marker is null (a record without a key, or a tombstone). Without
 * `--parse-key` the whole line is the value, and an empty line is a record with an empty value, as in Kafka.
 */

import { KlogError } from '../sdk/errors.js';
import type { IHeaders } from '../sdk/producer/message.js';
import { showText } from './escapes.js';

export interface LineFormat {
  parseKey: boolean;
  keySeparator: Buffer;
  /** A key or value with exactly these bytes becomes null; null when there is no marker. */
  nullMarker: Buffer | null;
}

export type ParsedLine = { key: Buffer | null; value: Buffer | null } | { problem: string };

export function lineFormat(options: { parseKey: boolean; keySeparator: string; nullMarker?: string }): LineFormat {
  return {
    parseKey: options.parseKey,
    keySeparator: Buffer.from(options.keySeparator, 'utf8'),
    nullMarker: options.nullMarker === undefined ? null : Buffer.from(options.nullMarker, 'utf8'),
  };
}

export function parseLine(line: Buffer, format: LineFormat): ParsedLine {
  if (!format.parseKey) return { key: null, value: orNull(line, format.nullMarker) };
  const at = line.indexOf(format.keySeparator);
  if (at === -1) {
    return {
      problem:
        `it has no key separator ${showText(format.keySeparator.toString('utf8'))} (--parse-key). Write ` +
        'key<separator>value, or choose the separator with --key-separator',
    };
  }
  return {
    key: orNull(line.subarray(0, at), format.nullMarker),
    value: orNull(line.subarray(at + format.keySeparator.length), format.nullMarker),
  };
}

function orNull(bytes: Buffer, nullMarker: Buffer | null): Buffer | null {
  return nullMarker !== null && bytes.equals(nullMarker) ? null : bytes;
}

/**
 * The `--header key=value` flags as the producer's headers: split at the first "=" (a value may contain "="),
 * a repeated key becomes several headers in the order given (Kafka allows repeated keys).
 */
export function parseHeaderFlags(flags: readonly string[]): IHeaders {
  const headers = new Map<string, string[]>();
  for (const flag of flags) {
    const at = flag.indexOf('=');
    if (at <= 0) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `--header ${showText(flag)} is not key=value. Write --header key=value, once per header.`,
        { context: { header: flag } },
      );
    }
    const key = flag.slice(0, at);
    const values = headers.get(key) ?? [];
    values.push(flag.slice(at + 1));
    headers.set(key, values);
  }
  // fromEntries defines own properties, so even a header named "__proto__" stays a header.
  return Object.fromEntries([...headers].map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
}
