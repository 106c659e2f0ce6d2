/**
 * Watches a group's committed offsets while a test runs, to check that they never move backwards: it LISTs the
 * offset objects every few milliseconds and records each partition's offsets in the order seen.
 */
import { decodeStoredOffset } from '../../sdk/group/committed-offset-object.js';
import { committedOffsetsPrefix } from '../../sdk/store/keys.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';

export interface OffsetWatch {
  /** Partitions ("<topic id>/<p>") whose committed offset was seen to move backwards, with what was seen. */
  backwards(): string[];
  /** The last offset seen per partition. */
  latest(): Map<string, bigint>;
  stop(): Promise<void>;
}

export function watchCommittedOffsets(store: ObjectStore, group: string, everyMs = 10): OffsetWatch {
  const seen = new Map<string, bigint[]>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const { key } of await store.list(committedOffsetsPrefix(group))) {
        const object = await store.get(key);
        if (object === null) continue;
        const stored = decodeStoredOffset(object.body, key);
        if (stored.offset === null) continue;
        const id = `${stored.topicId}/${stored.partition}`;
        const list = seen.get(id) ?? [];
        if (list.at(-1) !== BigInt(stored.offset)) list.push(BigInt(stored.offset));
        seen.set(id, list);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    backwards: () =>
      [...seen]
        .filter(([, offsets]) => offsets.some((offset, index) => index > 0 && offset < offsets[index - 1]!))
        .map(([id, offsets]) => `${id}: ${offsets.join(' ')}`),
    latest: () => new Map([...seen].map(([id, offsets]) => [id, offsets.at(-1)!])),
    async stop() {
      running = false;
      await loop;
    },
  };
}
