/**
 * Where a partition's consumption starts, and how it restarts when its position falls out of the log.
 *
 * - `fromBeginning` starts at the log start (earliest), otherwise at the log end when the consumer starts
 *   running (latest); `fromTimestamp` starts at the first record at or after that time (latest when there is
 *   none). A `seek` overrides all of these.
 * - A position below the log start (retention removed those records) or above the log end is an
 *   OFFSET_OUT_OF_RANGE error; the reset policy then applies, as Kafka's `auto.offset.reset`: 'earliest',
 *   'latest', or 'none' (the error stops the consumer, see `Consumer`).
 */
import type { PartitionReadHandle } from '../backend/backend.js';
import { KlogError } from '../errors.js';

export type StartPosition =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offset'; offset: bigint };

export type OffsetResetPolicy = 'earliest' | 'latest' | 'none';

export interface StartOptions {
  fromBeginning?: boolean;
  /** Milliseconds since the epoch; wins over `fromBeginning`. */
  fromTimestamp?: number;
}

export const EARLIEST: StartPosition = { kind: 'earliest' };
export const LATEST: StartPosition = { kind: 'latest' };

export function startFromOptions(options: StartOptions): StartPosition {
  if (options.fromTimestamp !== undefined) return { kind: 'timestamp', timestamp: options.fromTimestamp };
  return options.fromBeginning === true ? EARLIEST : LATEST;
}

/** Checks the start options of a `subscribe` or `assign` call; `where` names the call in the message. */
export function validateStartOptions(options: StartOptions, where: string): void {
  const { fromBeginning, fromTimestamp } = options;
  if (fromBeginning !== undefined && typeof fromBeginning !== 'boolean') {
    throw new KlogError('INVALID_ARGUMENT', `${where}: fromBeginning must be true or false.`);
  }
  if (fromTimestamp !== undefined && (!Number.isSafeInteger(fromTimestamp) || fromTimestamp < 0)) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `${where}: fromTimestamp must be milliseconds since the epoch (an integer from 0), got ${String(fromTimestamp)}.`,
    );
  }
}

/** Kafka's default reset policy for a consumer that starts from the beginning is 'earliest', else 'latest'. */
export function defaultResetPolicy(options: StartOptions): OffsetResetPolicy {
  return options.fromBeginning === true ? 'earliest' : 'latest';
}

/**
 * Parses the offset of a `seek`: a decimal string from 0, or Kafka's special values '-2' (earliest) and
 * '-1' (latest).
 */
export function parseSeekOffset(offset: unknown, where: { topic: string; partition: number }): StartPosition {
  const text = typeof offset === 'number' && Number.isSafeInteger(offset) ? String(offset) : offset;
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]*|-1|-2)$/.test(text)) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `Cannot seek ${where.topic}/${where.partition} to ${JSON.stringify(offset)}: an offset is a decimal string ` +
        `from "0", or "-2" (earliest) or "-1" (latest).`,
      { context: { topic: where.topic, partition: where.partition } },
    );
  }
  if (text === '-2') return EARLIEST;
  if (text === '-1') return LATEST;
  return { kind: 'offset', offset: BigInt(text) };
}

/** The offset a start position names, asking the partition for the log start, end or a timestamp. */
export async function resolveStartPosition(handle: PartitionReadHandle, start: StartPosition): Promise<bigint> {
  switch (start.kind) {
    case 'offset':
      return start.offset;
    case 'earliest':
      return handle.earliestOffset();
    case 'latest':
      return handle.latestOffset();
    case 'timestamp':
      return (await handle.offsetForTimestamp(start.timestamp)) ?? handle.latestOffset();
  }
}
