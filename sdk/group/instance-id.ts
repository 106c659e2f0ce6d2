/** A member instance's id: 64 random bits as 16 lowercase hex digits (the form sdk/store/keys.ts accepts). */
import { randomBytes } from 'node:crypto';

export function newInstanceId(): string {
  return randomBytes(8).toString('hex');
}
