/** Parses a size flag: a whole number of bytes, optionally with a KiB, MiB or GiB suffix ("32MiB", "65536"). */
import { KlogError } from '../sdk/errors.js';

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export function parseBytes(text: string): number {
  const match = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match === null ? undefined : UNITS[(match[2] ?? '').toLowerCase()];
  if (match === null || unit === undefined || Number(match[1]) <= 0) {
    throw new KlogError('INVALID_ARGUMENT', `"${text}" is not a size: use bytes or a number with KiB, MiB or GiB.`, {
      context: { value: text },
    });
  }
  return Number(match[1]) * unit;
}
