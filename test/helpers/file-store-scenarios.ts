/**
 * What the FileObjectStore's multi-process tests and their child processes (file-store-child.ts) share: the
 * messages they exchange, the keys they race on and the self-checking bodies of the crash test.
 */
import { createHash, randomBytes } from 'node:crypto';

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; writes: number }
  | { type: 'create-race-result'; wins: string[]; outcomes: Record<string, number> }
  | { type: 'counter-result'; done: number; outcomes: Record<string, number> };

/** A counter that also names every increment, so that an ambiguous write can be resolved by reading it. */
export interface CounterBody {
  value: number;
  increments: string[];
}

export const CHILD_ENTRY = 'test/helpers/file-store-child.ts';

export function raceKey(index: number): string {
  return `race/key-${String(index).padStart(3, '0')}`;
}

export function crashKey(index: number): string {
  return `crash/key-${index}`;
}

/** A body that proves its own completeness: a SHA-256 of the rest, then the rest. */
export function selfCheckingBody(size: number): Uint8Array {
  const rest = randomBytes(size);
  return Buffer.concat([createHash('sha256').update(rest).digest(), rest]);
}

export function isCompleteSelfCheckingBody(body: Uint8Array): boolean {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
  if (bytes.length < 32) return false;
  return createHash('sha256').update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32));
}
