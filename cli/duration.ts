/**
 * The `--by-duration` of `klog group reset-offsets`: a length of time, either as Kafka's tool takes it, an ISO 8601
 * duration of days, hours, minutes and seconds (`PT1H`, `P1DT12H`, `PT0.5S`; what Java's Duration.parse reads), or
 * in the short form people type (`1h`, `30m`, `1h30m`, `2d`, `45s`, `500ms`). Months and years are refused: their
 * length depends on the calendar.
 */
import { KlogError } from '../sdk/errors.js';

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const SHORT = /^(?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+$/;

/** The duration in whole milliseconds (rounded down). */
export function parseDuration(text: string): number {
  const value = text.trim();
  const ms = isoDuration(value) ?? shortDuration(value.toLowerCase());
  if (ms !== null && Number.isSafeInteger(Math.floor(ms))) return Math.floor(ms);
  throw new KlogError(
    'INVALID_ARGUMENT',
    `"${text}" is not a duration. Use an ISO 8601 duration of days to seconds (PT1H, P1DT12H, PT30M) or a short ` +
      'form (1h, 30m, 1h30m, 2d, 45s, 500ms).',
    { context: { duration: text } },
  );
}

function isoDuration(value: string): number | null {
  const match = ISO.exec(value);
  // "P", "PT" and "P1DT" match the pattern but are not durations (a "T" must be followed by a time).
  if (match === null || match.slice(1).every((part) => part === undefined) || /t$/i.test(value)) return null;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  return days * UNIT_MS.d! + hours * UNIT_MS.h! + minutes * UNIT_MS.m! + seconds * UNIT_MS.s!;
}

function shortDuration(value: string): number | null {
  if (!SHORT.test(value)) return null;
  let total = 0;
  // "ms" comes before "m" in the alternation, so that 500ms is not read as 500 minutes and an "s".
  for (const part of value.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)) total += Number(part[1]) * UNIT_MS[part[2]!]!;
  return total;
}
