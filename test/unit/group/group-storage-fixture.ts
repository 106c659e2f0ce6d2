/** Group storage on each fast store (memory and filesystem), for tests of the group objects. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectGroupStorage } from '../../../sdk/backend/direct-group-storage.js';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';

export const storeKinds = ['memory', 'filesystem'] as const;

export interface GroupStorageFixture {
  store: ObjectStore;
  /** The memory store (for fault injection), or null on the filesystem. */
  memory: MemoryObjectStore | null;
  storage: DirectGroupStorage;
  close(): Promise<void>;
}

export async function openGroupStorage(kind: (typeof storeKinds)[number]): Promise<GroupStorageFixture> {
  const dir = kind === 'filesystem' ? await mkdtemp(join(tmpdir(), 'klog-group-')) : null;
  const memory = dir === null ? new MemoryObjectStore() : null;
  const store = memory ?? new FileObjectStore(dir!);
  return {
    store,
    memory,
    storage: new DirectGroupStorage(store),
    async close() {
      await store.close();
      if (dir !== null) await rm(dir, { recursive: true, force: true });
    },
  };
}
