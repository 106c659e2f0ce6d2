/**
 * Small JSON objects (the cluster marker `klog.json`, `topic.json`, partition `meta.json`, index objects, the maintenance
 * lease, the consumer-group objects): each carries its kind, a storage format version and a random nonce. The nonce makes every write's
 * bytes unique, so a replaced object never gets back an earlier ETag (S3 ETags are content hashes, and
 * `If-Match` on a reused ETag would let a stale writer win).
 *
 * Versioning: a reader accepts every version whose major part it knows; a newer major version stops it
 * with an error naming the version needed. Minor versions only add fields that older readers may ignore.
 */
import { randomBytes } from 'node:crypto';
import { KlogError } from '../errors.js';

export const JSON_FORMAT_MAJOR = 1;
export const JSON_FORMAT_VERSION = '1.0';

export type JsonObjectKind =
  | 'cluster'
  | 'topic'
  | 'partition-meta'
  | 'partition-index'
  | 'maintenance-lease'
  | 'group-state'
  | 'group-member'
  | 'group-offset';

interface Envelope {
  kind: JsonObjectKind;
  formatVersion: string;
  nonce: string;
}

export function encodeJsonObject<T extends object>(kind: JsonObjectKind, body: T): Uint8Array {
  const envelope: Envelope = { kind, formatVersion: JSON_FORMAT_VERSION, nonce: randomBytes(8).toString('hex') };
  return Buffer.from(`${JSON.stringify({ ...envelope, ...body })}\n`, 'utf8');
}

/** Parses and checks an object written by encodeJsonObject. `key` names the object in errors. */
export function decodeJsonObject<T extends object>(kind: JsonObjectKind, bytes: Uint8Array, key: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (cause) {
    throw corrupt(key, 'it is not valid JSON', cause);
  }
  if (typeof parsed !== 'object' || parsed === null) throw corrupt(key, 'it is not a JSON object');
  const envelope = parsed as Partial<Envelope>;
  if (envelope.kind !== kind) throw corrupt(key, `it is a "${String(envelope.kind)}" object, expected "${kind}"`);
  const major = Number.parseInt(String(envelope.formatVersion).split('.')[0] ?? '', 10);
  if (!Number.isInteger(major)) throw corrupt(key, 'it has no formatVersion');
  if (major > JSON_FORMAT_MAJOR) {
    throw new KlogError(
      'UNSUPPORTED_FORMAT',
      `${key} uses storage format ${envelope.formatVersion}; this klog reads format ${JSON_FORMAT_MAJOR}.x. ` +
        `Upgrade klog to a version that reads format ${major}.`,
      { context: { key } },
    );
  }
  return parsed as T;
}

function corrupt(key: string, problem: string, cause?: unknown): KlogError {
  return new KlogError(
    'CORRUPT_OBJECT',
    `${key} is corrupt: ${problem}. klog cannot repair it; restore the object from a backup or delete it.`,
    { context: { key }, cause },
  );
}
