/**
 * Batch compression codecs. A batch's attributes name its codec in three bits; the ids are part of the storage
 * format and never change meaning: 0 none, 1 gzip, 2 snappy (the same ids Kafka uses for these codecs).
 *
 * Both directions are synchronous: batches are encoded and decoded on the producer's and consumer's hot paths,
 * where a thread-pool round trip per batch would cost more than the work itself for typical batch sizes.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressSync, uncompressSync } from 'snappy';
import { KlogError } from '../errors.js';

export type Compression = 'none' | 'gzip' | 'snappy';

export const CODEC_IDS = { none: 0, gzip: 1, snappy: 2 } as const satisfies Record<Compression, number>;

const CODECS_BY_ID: readonly Compression[] = ['none', 'gzip', 'snappy'];

/**
 * zlib's default level, set explicitly so that a change of Node's default can never change what klog writes.
 * Level 6 is also what Kafka's Java producer uses for gzip.
 */
const GZIP_LEVEL = 6;

export function isCompression(value: unknown): value is Compression {
  return value === 'none' || value === 'gzip' || value === 'snappy';
}

/**
 * The codec for a codec id read from a stored object.
 *
 * An unknown id is UNSUPPORTED_FORMAT, not CORRUPT_OBJECT: callers only look at the id after the checksum that
 * covers it has verified, so the id was written on purpose, by a klog that knows a codec this one does not.
 * Upgrading klog is then the right advice; calling the object corrupt would invite the user to delete good data.
 */
export function codecFromId(id: number, key: string): Compression {
  const codec = CODECS_BY_ID[id];
  if (codec === undefined) {
    throw new KlogError(
      'UNSUPPORTED_FORMAT',
      `Segment ${key} uses compression codec ${id}, which this klog does not know (it reads 0 none, 1 gzip, ` +
        '2 snappy). Upgrade klog to the version that wrote it.',
      { context: { key, codecId: id } },
    );
  }
  return codec;
}

/** Compresses a batch's records section. `none` returns the input itself, without a copy. */
export function compress(codec: Compression, bytes: Uint8Array): Uint8Array {
  switch (codec) {
    case 'none':
      return bytes;
    case 'gzip':
      return gzipSync(bytes, { level: GZIP_LEVEL });
    case 'snappy':
      return compressSync(bytes);
  }
}

/**
 * Restores a batch's records section and checks that it has exactly `expectedLength` bytes. `none` returns the
 * input itself, without a copy. Anything that does not decompress to that length is reported as corrupt, naming
 * `key`.
 */
export function decompress(codec: Compression, bytes: Uint8Array, expectedLength: number, key: string): Uint8Array {
  let restored: Uint8Array;
  try {
    switch (codec) {
      case 'none':
        restored = bytes;
        break;
      case 'gzip':
        // The bound keeps a damaged stream from inflating into gigabytes before the length check can reject it.
        restored = gunzipSync(bytes, { maxOutputLength: Math.max(1, expectedLength) });
        break;
      case 'snappy':
        // Snappy allocates what the stream's preamble declares before it decodes anything, so the preamble is
        // checked first: a damaged one must not make klog allocate gigabytes.
        if (snappyDeclaredLength(bytes) !== expectedLength) {
          throw corruptPayload(
            key,
            codec,
            `its preamble does not declare the ${expectedLength} bytes that were written`,
          );
        }
        restored = uncompressSync(bytes, { asBuffer: true }) as Buffer;
        break;
    }
  } catch (cause) {
    if (cause instanceof KlogError) throw cause;
    throw corruptPayload(key, codec, `it does not decompress (${(cause as Error).message})`, cause);
  }
  if (restored.length !== expectedLength) {
    throw corruptPayload(
      key,
      codec,
      `it holds ${restored.length} bytes of records where ${expectedLength} were written`,
    );
  }
  return restored;
}

/**
 * The uncompressed length a raw snappy stream declares in its preamble (an unsigned little-endian base-128
 * integer), or -1 when the preamble is malformed.
 */
function snappyDeclaredLength(bytes: Uint8Array): number {
  let length = 0;
  let scale = 1;
  for (let i = 0; i < 5 && i < bytes.length; i++) {
    const byte = bytes[i]!;
    length += (byte & 0x7f) * scale;
    if (byte < 0x80) return length;
    scale *= 128;
  }
  return -1;
}

function corruptPayload(key: string, codec: Compression, what: string, cause?: unknown): KlogError {
  return new KlogError(
    'CORRUPT_OBJECT',
    `Segment ${key} is corrupt: ${codec === 'none' ? 'an uncompressed' : `a ${codec}-compressed`} batch is ` +
      `damaged, ${what}. klog cannot repair it: ` +
      "restore the object from a backup, or delete the partition's data.",
    { context: { key }, cause },
  );
}
