/**
 * The reset strategy of `klog group reset-offsets`, from kafka-consumer-groups' flags, as the SDK's reset target:
 *
 *   --to-earliest          the log start
 *   --to-latest            the log end
 *   --to-current           the committed offset (the log end where nothing was committed, as Kafka's tool)
 *   --to-offset N          offset N (kept within the log start and end)
 *   --shift-by N           the committed offset plus N (negative: back); from the log start where nothing was committed
 *   --to-datetime <time>   the first record at or after a time (ms since the epoch or an ISO 8601 date)
 *   --by-duration <d>      the first record at or after that long ago (PT1H, 1h, 30m, 2d, ...)
 *
 * `--to-current` has no SDK target: the command reads the committed offsets and sets them again.
 */
import type { OffsetResetTarget } from '../sdk/admin/group-admin-types.js';
import { KlogError } from '../sdk/errors.js';
import { parseDuration } from './duration.js';
import { parseTime } from './offset-spec.js';

export interface ResetStrategyFlags {
  'to-earliest'?: boolean;
  'to-latest'?: boolean;
  'to-current'?: boolean;
  'to-offset'?: string;
  'shift-by'?: number;
  'to-datetime'?: string;
  'by-duration'?: string;
}

export const resetStrategyFlagNames = [
  'to-earliest',
  'to-latest',
  'to-current',
  'to-offset',
  'shift-by',
  'to-datetime',
  'by-duration',
] as const satisfies readonly (keyof ResetStrategyFlags)[];

export type ResetStrategy = { kind: 'target'; target: OffsetResetTarget } | { kind: 'current' };

/** The one strategy given (the command's flags guarantee exactly one); `nowMs` anchors --by-duration. */
export function resetStrategy(flags: ResetStrategyFlags, nowMs: number): ResetStrategy {
  const given = resetStrategyFlagNames.filter((name) => flags[name] !== undefined && flags[name] !== false);
  if (given.length !== 1) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `Give exactly one reset strategy (${resetStrategyFlagNames.map((name) => `--${name}`).join(', ')}); ` +
        `got ${given.length === 0 ? 'none' : given.map((name) => `--${name}`).join(' and ')}.`,
    );
  }
  if (flags['to-earliest']) return { kind: 'target', target: 'earliest' };
  if (flags['to-latest']) return { kind: 'target', target: 'latest' };
  if (flags['to-current']) return { kind: 'current' };
  if (flags['shift-by'] !== undefined) return { kind: 'target', target: { shiftBy: flags['shift-by'] } };
  if (flags['to-offset'] !== undefined) return { kind: 'target', target: { offset: offsetText(flags['to-offset']) } };
  if (flags['to-datetime'] !== undefined) {
    return { kind: 'target', target: { timestamp: dateTime(flags['to-datetime']) } };
  }
  return { kind: 'target', target: { timestamp: nowMs - parseDuration(flags['by-duration']!) } };
}

function offsetText(text: string): string {
  const value = text.trim();
  if (/^(0|[1-9][0-9]*)$/.test(value)) return value;
  throw new KlogError('INVALID_ARGUMENT', `--to-offset takes an offset (a whole number from 0); got "${text}".`, {
    context: { offset: text },
  });
}

function dateTime(text: string): number {
  const ms = parseTime(text.trim());
  if (ms !== null) return ms;
  throw new KlogError(
    'INVALID_ARGUMENT',
    `--to-datetime takes an ISO 8601 date (2025-06-01T12:00:00Z; without a zone, local time) or milliseconds ` +
      `since the epoch; got "${text}".`,
    { context: { time: text } },
  );
}
