/**
 * The partition meta object (`meta.json`): the log start offset, the sealed flag, the newest index
 * object and the end of the indexed range. Writers read it before acknowledging an append (design brief §5): retention moves the log start
 * here before deleting anything, and topic deletion sets `sealed` here first, so this one GET is what keeps
 * a writer that was frozen for hours from acknowledging into a freed key or a deleted topic.
 */
import { KlogError } from '../errors.js';
import { decodeJsonObject, encodeJsonObject } from '../format/json-object.js';
import { type PartitionRef, partitionMetaKey } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { getWithRetries } from './store-reads.js';

export interface PartitionMeta {
  logStartOffset: bigint;
  sealed: boolean;
  /** Key of the newest index object, or null while the partition has none. */
  newestIndex: string | null;
  /**
   * The end of the newest index object (0 while there is none): offsets below it are found through index
   * objects, so readers and writers LIST `log/` only after it. Moves forward only.
   */
  indexedEndOffset: bigint;
}

interface StoredPartitionMeta {
  logStartOffset: string;
  sealed: boolean;
  newestIndex: string | null;
  /** Absent in objects written before index objects existed: read as "0". */
  indexedEndOffset?: string;
}

export interface VersionedMeta {
  meta: PartitionMeta;
  etag: string;
}

export const initialPartitionMeta: PartitionMeta = {
  logStartOffset: 0n,
  sealed: false,
  newestIndex: null,
  indexedEndOffset: 0n,
};

export function encodePartitionMeta(meta: PartitionMeta): Uint8Array {
  return encodeJsonObject<StoredPartitionMeta>('partition-meta', {
    logStartOffset: meta.logStartOffset.toString(),
    sealed: meta.sealed,
    newestIndex: meta.newestIndex,
    indexedEndOffset: meta.indexedEndOffset.toString(),
  });
}

export async function readPartitionMeta(store: ObjectStore, ref: PartitionRef): Promise<VersionedMeta | null> {
  const key = partitionMetaKey(ref);
  const object = await getWithRetries(store, key);
  if (object === null) return null;
  const stored = decodeJsonObject<StoredPartitionMeta>('partition-meta', object.body, key);
  const logStartOffset = offsetField(stored.logStartOffset, 'logStartOffset', key);
  const indexedEndOffset = offsetField(stored.indexedEndOffset ?? '0', 'indexedEndOffset', key);
  return {
    meta: { logStartOffset, sealed: stored.sealed === true, newestIndex: stored.newestIndex ?? null, indexedEndOffset },
    etag: object.etag,
  };
}

function offsetField(value: string, field: string, key: string): bigint {
  try {
    return BigInt(value);
  } catch (cause) {
    throw new KlogError('CORRUPT_OBJECT', `${key} is corrupt: ${field} is not an integer.`, {
      context: { key },
      cause,
    });
  }
}

/**
 * Applies `change` to the current meta with `If-Match`, re-reading and re-applying on a lost race. Returns
 * the meta that was written, or null when the partition has no meta (it never existed).
 */
export async function updatePartitionMeta(
  store: ObjectStore,
  ref: PartitionRef,
  change: (meta: PartitionMeta) => PartitionMeta,
  attempts = 16,
): Promise<PartitionMeta | null> {
  const key = partitionMetaKey(ref);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await readPartitionMeta(store, ref);
    if (current === null) return null;
    const next = change(current.meta);
    const outcome = await store.put(key, encodePartitionMeta(next), { ifMatch: current.etag });
    if (outcome.kind === 'done') return next;
    // Any other outcome (a lost race, or an ambiguous write that may have landed) re-reads and re-applies:
    // callers' changes only move forward, so applying one again to a version that already has it is harmless.
  }
  throw new KlogError('UNKNOWN_OUTCOME', `Could not update ${key} after ${attempts} attempts; try again.`, {
    context: { topic: ref.topic, partition: ref.partition, key },
  });
}
