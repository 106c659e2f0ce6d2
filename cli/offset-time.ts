/**
 * The `--time` of `klog offsets`, as kafka-get-offsets takes it: -1 (or `latest`) for the log end, -2 (or
 * `earliest`) for the log start, otherwise a time given as milliseconds since the epoch or as an ISO 8601 date
 * (`2025-06-01`, `2025-06-01T12:00:00Z`; without a zone, local time, as JavaScript's Date reads it).
 */
import { KlogError } from '../sdk/errors.js';

export type OffsetTime = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'timestamp'; ms: number };

export function parseOffsetTime(text: string): OffsetTime {
  const value = text.trim();
  if (value === 'earliest' || value === '-2') return { kind: 'earliest' };
  if (value === 'latest' || value === '-1') return { kind: 'latest' };
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return { kind: 'timestamp', ms: Number(value) };
  // Date.parse also accepts loose forms ("1 June"): require an ISO date's leading YYYY-MM-DD.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isFinite(ms)) return { kind: 'timestamp', ms };
  throw new KlogError(
    'INVALID_ARGUMENT',
    `--time takes milliseconds since the epoch (1718000000000), an ISO date (2025-06-01T12:00:00Z), or ` +
      `-1/latest and -2/earliest; got "${text}".`,
    { context: { time: text } },
  );
}
