import { describe, expect, it } from 'vitest';
import { DirectGroupStorage } from '../../../sdk/backend/direct-group-storage.js';
import { readGroupDescription } from '../../../sdk/group/group-description.js';
import { CountingObjectStore } from '../../../sdk/store/counting-object-store.js';
import { GROUPS_PREFIX } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { eventually, fastGroup, openGroupFixture } from '../../helpers/group-fixture.js';

/** Counts requests on group keys only, so that the consumers' idle polls of the log do not blur the figures. */
function countGroupRequests(store: ObjectStore): { store: ObjectStore; counts: CountingObjectStore } {
  const counts = new CountingObjectStore(store);
  const routed = new Proxy(store, {
    get(target, property, receiver) {
      const original = Reflect.get(target, property, receiver);
      if (typeof original !== 'function' || property === 'close') return original;
      return (key: string, ...rest: unknown[]) =>
        key.startsWith(GROUPS_PREFIX)
          ? (counts[property as keyof ObjectStore] as (...args: unknown[]) => unknown)(key, ...rest)
          : original.call(target, key, ...rest);
    },
  });
  return { store: routed, counts };
}

describe('what an idle group costs (docs/consumer-groups.md §7)', () => {
  it('writes one heartbeat per member per interval, lists only on the leader, and commits nothing unchanged', async () => {
    const { store, counts } = countGroupRequests(new MemoryObjectStore());
    const fixture = await openGroupFixture(store);
    const topic = await fixture.createTopic('idle', 4);
    await fixture.produce(topic, 5);
    const members = [fixture.member('a'), fixture.member('b')];
    for (const member of members) await member.start(['idle'], { autoCommitInterval: 100 });
    await eventually(() => fixture.handled.length >= 20, 'every record');
    const storage = new DirectGroupStorage(store);
    await eventually(async () => (await readGroupDescription(storage, 'g')).state === 'Stable', 'a stable group');
    await new Promise((resolve) => setTimeout(resolve, 500));

    counts.reset();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10 * fastGroup.heartbeatIntervalMs));
    const { put, list, get, delete: deletes } = counts.counts();
    const intervals = (performance.now() - started) / fastGroup.heartbeatIntervalMs;
    await fixture.close();

    // Two members: two heartbeat PUTs per interval at most, no commits (offsets did not move), no deletes.
    expect(put).toBeLessThanOrEqual(2 * (intervals + 1));
    expect(put).toBeGreaterThan(0);
    expect(deletes).toBe(0);
    // One LIST per interval, by the leader only.
    expect(list).toBeLessThanOrEqual(intervals + 1);
    // Each member GETs the state, the follower the leader's heartbeat, the leader the follower's heartbeat.
    expect(get).toBeLessThanOrEqual(4 * (intervals + 1));
    console.info(
      `idle group of 2 over ${intervals.toFixed(1)} heartbeat intervals: ${put} PUT, ${list} LIST, ${get} GET on group keys`,
    );
  });
});
