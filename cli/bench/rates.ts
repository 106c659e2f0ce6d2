/**
 * The arithmetic of `klog bench` figures: rates per second, requests per megabyte, and the requests made
 * between two counter snapshots. A megabyte is 1,000,000 bytes, as in docs/performance.md.
 */
import type { KlogCounters } from '../../sdk/client/counters.js';

export type RequestCounts = KlogCounters['requests'];

export const BYTES_PER_MEGABYTE = 1_000_000;

/** `amount` per second; 0 for a run that took no measurable time. */
export function perSecond(amount: number, seconds: number): number {
  return seconds > 0 ? amount / seconds : 0;
}

/** `count` per megabyte of `bytes`; null when nothing was moved (a ratio over zero means nothing). */
export function perMegabyte(count: number, bytes: number): number | null {
  return bytes > 0 ? count / (bytes / BYTES_PER_MEGABYTE) : null;
}

export function megabytes(bytes: number): number {
  return bytes / BYTES_PER_MEGABYTE;
}

/** Rounds for output: figures carry no more digits than they mean. */
export function round(value: number, digits: number): number;
export function round(value: number | null, digits: number): number | null;
export function round(value: number | null, digits: number): number | null {
  return value === null ? null : Number(value.toFixed(digits));
}

export function requestsBetween(before: RequestCounts, after: RequestCounts): RequestCounts {
  return {
    get: after.get - before.get,
    head: after.head - before.head,
    put: after.put - before.put,
    list: after.list - before.list,
    delete: after.delete - before.delete,
    bytesRead: after.bytesRead - before.bytesRead,
    bytesWritten: after.bytesWritten - before.bytesWritten,
  };
}
