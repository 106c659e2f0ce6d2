import { KlogError } from './errors.js';

/**
 * Kafka's naming rules for topics and groups: `[a-zA-Z0-9._-]`, 1 to 249 characters, not `.` or `..`.
 * Names become object keys and file names, so nothing else may pass.
 */
const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_NAME_LENGTH = 249;

/** A fencing id (a producer's exclusive-writer name) follows the same rules as a topic name. */
export type NameKind = 'topic' | 'group' | 'fencing id';

export function validateName(kind: NameKind, name: unknown): string {
  const problem = nameProblem(name);
  if (problem === null) return name as string;
  const shown =
    typeof name === 'string' ? JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name) : String(name);
  throw new KlogError('INVALID_NAME', `Invalid ${kind} name ${shown}: ${problem}.`, {
    context:
      kind === 'topic'
        ? { topic: String(name) }
        : kind === 'group'
          ? { group: String(name) }
          : { fencingId: String(name) },
  });
}

function nameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'a name must be a string';
  if (name.length === 0) return 'a name must not be empty';
  if (name.length > MAX_NAME_LENGTH) {
    return `it is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`;
  }
  if (name === '.' || name === '..') return 'a name must not be "." or ".."';
  if (!LEGAL.test(name)) {
    return 'use only ASCII letters, digits, ".", "_" and "-" (Kafka\'s rules; names become object keys)';
  }
  return null;
}
