/**
 * Group objects straight on the object store, for the direct backend. It only checks that every key is a group
 * key, so that group code (or a remote caller, once broker functions serve these calls) cannot touch the log.
 */
import { KlogError } from '../errors.js';
import { GROUPS_PREFIX } from '../store/keys.js';
import type { ListOptions, ObjectStore, WriteCondition } from '../store/object-store.js';
import type { GroupStorage } from './backend.js';

export class DirectGroupStorage implements GroupStorage {
  private readonly store: ObjectStore;

  constructor(store: ObjectStore) {
    this.store = store;
  }

  async get(key: string) {
    const object = await this.store.get(checked(key));
    return object === null ? null : { body: object.body, etag: object.etag };
  }

  put(key: string, body: Uint8Array, condition: WriteCondition) {
    return this.store.put(checked(key), body, condition);
  }

  delete(key: string, ifMatch?: string) {
    return this.store.delete(checked(key), ifMatch === undefined ? {} : { ifMatch });
  }

  list(prefix: string, options?: ListOptions) {
    return this.store.list(checked(prefix), options);
  }
}

function checked(key: string): string {
  if (key.startsWith(GROUPS_PREFIX)) return key;
  throw new KlogError('INVALID_KEY', `"${key}" is not a consumer-group key; group storage only reaches groups/.`, {
    context: { key },
  });
}
