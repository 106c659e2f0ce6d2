/** The fast stores the maintenance unit tests run on. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';

export * from '../../helpers/maintenance-fixtures.js';

export interface StoreCase {
  name: string;
  open: () => Promise<{ store: ObjectStore; cleanup: () => Promise<void> }>;
}

export const storeCases: StoreCase[] = [
  { name: 'memory', open: async () => ({ store: new MemoryObjectStore(), cleanup: async () => {} }) },
  {
    name: 'filesystem',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'klog-maintenance-'));
      return { store: new FileObjectStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
];
