/**
 * The `--time` of `klog offsets`, as kafka-get-offsets takes it: -1 (or `latest`) for the log end, -2 (or
 * `earliest`) for the log start, otherwise a time given as milliseconds since the epoch or as an ISO 8601 date
 * (`2025-06-01`, `2025-06-01T12:00:00Z`; without a zone, local time, as JavaScript's Date reads it).
 */
import { KlogError } from '../sdk/errors.js';
import { parseTime } from './offset-spec.js';

export type OffsetTime = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'timestamp'; ms: number };

export function parseOffsetTime(text: string): OffsetTime {
  const value = text.trim();
  if (value === 'earliest' || value === '-2') return { kind: 'earliest' };
  if (value === 'latest' || value === '-1') return { kind: 'latest' };
  const ms = parseTime(value);
  if (ms !== null) return { kind: 'timestamp', ms };
  throw new KlogError(
    'INVALID_ARGUMENT',
    `--time takes milliseconds since the epoch (1718000000000), an ISO date (2025-06-01T12:00:00Z), or ` +
      `-1/latest and -2/earliest; got "${text}".`,
    { context: { time: text } },
  );
}
