/**
 * The `--offset` of `klog consume`, as kcat's `-o`: where to start in every partition read.
 *
 *   beginning (or earliest)   the log start
 *   end (or latest)           the log end: only records produced from now on
 *   N                         the absolute offset N
 *   -N                        N records before the end, in each partition
 *   @<ms> (or kcat's s@<ms>)  the first record at or after that time (ms since the epoch, or an ISO 8601 date)
 *
 * `startOffset` turns the spec into an offset of one partition, given its log start and end. An absolute offset
 * outside the partition's records starts at the nearest end instead, with a note saying so: the records before
 * the log start were removed by retention, and a consumer cannot wait at an offset past the end.
 */
import { KlogError } from '../sdk/errors.js';

export type OffsetSpec =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'absolute'; offset: bigint }
  | { kind: 'fromEnd'; records: bigint }
  | { kind: 'timestamp'; timestamp: number };

export interface PartitionBounds {
  partition: number;
  /** The log start: the first offset still stored. */
  low: bigint;
  /** The log end: the offset the next record will get. */
  high: bigint;
  /** For a timestamp spec: the first offset at or after the time (the log end when no record is that new). */
  atTimestamp?: bigint;
}

export interface StartOffset {
  offset: bigint;
  /** Why the offset differs from the one asked for, to tell the user. */
  note?: string;
}

export function parseOffsetSpec(text: string): OffsetSpec {
  const value = text.trim();
  if (value === 'beginning' || value === 'earliest') return { kind: 'beginning' };
  if (value === 'end' || value === 'latest') return { kind: 'end' };
  if (/^\d+$/.test(value)) return { kind: 'absolute', offset: BigInt(value) };
  if (/^-\d+$/.test(value)) return { kind: 'fromEnd', records: BigInt(value.slice(1)) };
  const time = /^s?@(.+)$/.exec(value)?.[1];
  if (time !== undefined) {
    const timestamp = parseTime(time);
    if (timestamp !== null) return { kind: 'timestamp', timestamp };
  }
  throw new KlogError(
    'INVALID_ARGUMENT',
    `--offset ${JSON.stringify(text)} is not an offset. Use beginning, end, an offset (42), a count back from ` +
      'the end (-10), or @ and a time (@1718000000000 in ms, or @2025-06-01T12:00:00Z).',
    { context: { offset: text } },
  );
}

/**
 * Milliseconds since the epoch, or an ISO 8601 date (it must start with YYYY-MM-DD; Date.parse takes more); null
 * for anything else. Also the `--to-datetime` of `klog group reset-offsets`.
 */
export function parseTime(text: string): number | null {
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    return Number.isSafeInteger(ms) ? ms : null;
  }
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function startOffset(spec: OffsetSpec, bounds: PartitionBounds): StartOffset {
  const { low, high } = bounds;
  switch (spec.kind) {
    case 'beginning':
      return { offset: low };
    case 'end':
      return { offset: high };
    case 'fromEnd': {
      const offset = high - spec.records;
      return { offset: offset > low ? offset : low };
    }
    case 'timestamp':
      if (bounds.atTimestamp === undefined) {
        throw new Error(`The offset at time ${spec.timestamp} of partition ${bounds.partition} was not looked up.`);
      }
      return { offset: bounds.atTimestamp };
    case 'absolute':
      if (spec.offset < low) {
        return {
          offset: low,
          note:
            `partition ${bounds.partition} starts at offset ${low} (older records were removed by retention): ` +
            `starting there instead of at ${spec.offset}`,
        };
      }
      if (spec.offset > high) {
        return {
          offset: high,
          note: `partition ${bounds.partition} ends at offset ${high}, before ${spec.offset}: starting at its end`,
        };
      }
      return { offset: spec.offset };
  }
}
