/**
 * Partition readers kept between fetches, the least recently used dropped first. A kept reader knows where its
 * last segment ended, so the next fetch of that partition is one GET instead of a LIST and GETs. It only caches
 * immutable segments and positions: any reader gives the same records, so nothing here decides correctness.
 */
import type { PartitionReadHandle } from '../sdk/backend/backend.js';
import type { DirectBackend } from '../sdk/backend/direct-backend.js';
import { type PartitionRef, partitionPrefix } from '../sdk/store/keys.js';

export class ReaderCache {
  private readonly backend: DirectBackend;
  private readonly capacity: number;
  private readonly readers = new Map<string, PartitionReadHandle>();

  constructor(backend: DirectBackend, capacity: number) {
    this.backend = backend;
    this.capacity = capacity;
  }

  get(ref: PartitionRef): PartitionReadHandle {
    const key = partitionPrefix(ref);
    let reader = this.readers.get(key);
    if (reader !== undefined) {
      this.readers.delete(key);
    } else {
      reader = this.backend.openReader(ref);
    }
    this.readers.set(key, reader);
    for (const oldest of this.readers.keys()) {
      if (this.readers.size <= this.capacity) break;
      this.readers.delete(oldest);
    }
    return reader;
  }

  get size(): number {
    return this.readers.size;
  }
}
