/**
 * The one contract every ObjectStore passes (design brief §2): memory, filesystem and S3 (MinIO) run these
 * same tests. A store that accepts a second create, a stale If-Match or an If-Match on a missing key, or that
 * lists out of key order, must fail here loudly.
 *
 * The suite uses only the ObjectStore interface. `open` is called once; every test works under its own
 * random key prefix, so a shared store (one MinIO bucket) works and tests never see each other's keys. Every
 * assertion message names `store.description`, so a failing run says which endpoint misbehaved. The suite
 * closes the store when it is done.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore, WriteOutcome } from '../../sdk/store/object-store.js';

export interface ObjectStoreContractOptions {
  /** False for stores without conditional DELETE (If-Match); the stale-etag delete case is then left out. */
  supportsConditionalDelete?: boolean;
}

const FIVE_MIB = 5 * 1024 * 1024;
/** More than one S3 LIST page (1,000 keys), so paging is exercised. */
const MANY_KEYS = 1_100;
const CREATE_CONCURRENCY = 32;
const RACERS = 20;

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** A fresh key prefix per test; only characters every store accepts. */
function freshPrefix(): string {
  return `contract-${randomBytes(6).toString('hex')}/`;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function boundedAll<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

export function describeObjectStoreContract(
  name: string,
  open: () => Promise<ObjectStore>,
  options: ObjectStoreContractOptions = {},
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;

    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      await store?.close();
    });

    /** Creates `key` and fails the test, naming the store, unless the create is done. */
    async function create(key: string, body: Uint8Array): Promise<string> {
      const outcome = await store.put(key, body, { ifNoneMatch: '*' });
      expect(outcome.kind, `${store.description} refused to create ${key}: ${describeOutcome(outcome)}`).toBe('done');
      return (outcome as { etag: string }).etag;
    }

    async function expectContent(key: string, body: Uint8Array, etag: string, what: string): Promise<void> {
      const stored = await store.get(key);
      expect(stored, `${store.description} lost ${key} (${what})`).not.toBeNull();
      expect(sameBytes(stored!.body, body), `${store.description} returned other bytes for ${key} (${what})`).toBe(
        true,
      );
      expect(stored!.size, `${store.description} reported a wrong size for ${key} (${what})`).toBe(body.length);
      expect(stored!.etag, `${store.description} reported another etag for ${key} (${what})`).toBe(etag);
    }

    async function expectAbsent(key: string, what: string): Promise<void> {
      expect(await store.get(key), `${store.description} GET found ${key} (${what})`).toBeNull();
      expect(await store.head(key), `${store.description} HEAD found ${key} (${what})`).toBeNull();
    }

    describe('create', () => {
      it.each([
        ['a small body', () => text('hello, klog')],
        ['an empty body', () => new Uint8Array(0)],
        ['a 5 MiB body', () => new Uint8Array(randomBytes(FIVE_MIB))],
      ])('stores %s byte for byte', async (_what, makeBody) => {
        const key = `${freshPrefix()}object`;
        const body = makeBody();
        const etag = await create(key, body);
        expect(typeof etag, `${store.description} returned no etag`).toBe('string');
        expect(etag.length, `${store.description} returned an empty etag`).toBeGreaterThan(0);
        await expectContent(key, body, etag, 'after create');
        expect(await store.head(key), `${store.description} HEAD disagrees with GET`).toEqual({
          etag,
          size: body.length,
        });
      });

      it('refuses a second create and keeps the first content', async () => {
        const key = `${freshPrefix()}object`;
        const etag = await create(key, text('first'));
        const outcome = await store.put(key, text('second'), { ifNoneMatch: '*' });
        expect(outcome.kind, `${store.description} accepted a second If-None-Match: * create`).toBe(
          'precondition-failed',
        );
        await expectContent(key, text('first'), etag, 'after a refused second create');
      });

      it('lets exactly one of 20 concurrent creates of one key win', async () => {
        const key = `${freshPrefix()}contended`;
        const bodies = Array.from({ length: RACERS }, (_, index) => text(`racer ${index}`));
        const outcomes = await Promise.all(bodies.map((body) => store.put(key, body, { ifNoneMatch: '*' })));
        const winners = outcomes.flatMap((outcome, index) => (outcome.kind === 'done' ? [index] : []));
        expect(winners.length, `${store.description} let ${winners.length} concurrent creates win`).toBe(1);
        for (const outcome of outcomes) {
          expect(
            ['done', 'precondition-failed', 'conflict'],
            `${store.description} answered a losing create with ${describeOutcome(outcome)}`,
          ).toContain(outcome.kind);
        }
        const winner = winners[0]!;
        const etag = (outcomes[winner] as { etag: string }).etag;
        await expectContent(key, bodies[winner]!, etag, 'after a create race');
      });
    });

    describe('replace with If-Match', () => {
      it('replaces the current version and returns a new etag', async () => {
        const key = `${freshPrefix()}object`;
        const first = await create(key, text('version 1'));
        const outcome = await store.put(key, text('version 2'), { ifMatch: first });
        expect(outcome.kind, `${store.description} refused If-Match with the current etag`).toBe('done');
        const second = (outcome as { etag: string }).etag;
        expect(second, `${store.description} kept the etag across a replace`).not.toBe(first);
        await expectContent(key, text('version 2'), second, 'after a replace');
      });

      it('refuses a stale etag and keeps the content', async () => {
        const key = `${freshPrefix()}object`;
        const first = await create(key, text('version 1'));
        const replaced = await store.put(key, text('version 2'), { ifMatch: first });
        expect(replaced.kind, `${store.description} refused If-Match with the current etag`).toBe('done');
        const current = (replaced as { etag: string }).etag;
        const stale = await store.put(key, text('version 3'), { ifMatch: first });
        expect(stale.kind, `${store.description} accepted a stale If-Match`).toBe('precondition-failed');
        await expectContent(key, text('version 2'), current, 'after a refused stale replace');
      });

      it('answers not-found for a missing key and does not create it', async () => {
        const prefix = freshPrefix();
        const other = await create(`${prefix}other`, text('other'));
        const key = `${prefix}missing`;
        const outcome = await store.put(key, text('must not appear'), { ifMatch: other });
        expect(outcome.kind, `${store.description} answered If-Match on a missing key with ${outcome.kind}`).toBe(
          'not-found',
        );
        await expectAbsent(key, 'after If-Match on a missing key');
      });

      it('gives a new etag to every version, also after delete and re-create', async () => {
        const key = `${freshPrefix()}object`;
        const etags = [await create(key, text('version 0'))];
        for (let version = 1; version <= 3; version++) {
          const outcome = await store.put(key, text(`version ${version}`), { ifMatch: etags.at(-1)! });
          expect(outcome.kind, `${store.description} refused a replace with the current etag`).toBe('done');
          etags.push((outcome as { etag: string }).etag);
        }
        const deleted = await store.delete(key);
        expect(deleted.kind, `${store.description} refused to delete ${key}`).toBe('done');
        const afterDelete = await store.put(key, text('after delete'), { ifMatch: etags.at(-1)! });
        expect(
          afterDelete.kind,
          `${store.description} answered If-Match on a deleted key with ${afterDelete.kind}`,
        ).toBe('not-found');
        const recreated = await create(key, text('re-created'));
        etags.push(recreated);
        expect(new Set(etags).size, `${store.description} reused an etag: ${etags.join(', ')}`).toBe(etags.length);
        await expectContent(key, text('re-created'), recreated, 'after delete and re-create');
      });

      it('lets exactly one of 20 concurrent replaces from one etag win', async () => {
        const key = `${freshPrefix()}contended`;
        const base = await create(key, text('base'));
        const bodies = Array.from({ length: RACERS }, (_, index) => text(`replacer ${index}`));
        const outcomes = await Promise.all(bodies.map((body) => store.put(key, body, { ifMatch: base })));
        const winners = outcomes.flatMap((outcome, index) => (outcome.kind === 'done' ? [index] : []));
        expect(winners.length, `${store.description} let ${winners.length} replaces of one etag win`).toBe(1);
        for (const outcome of outcomes) {
          expect(
            ['done', 'precondition-failed', 'conflict'],
            `${store.description} answered a losing replace with ${describeOutcome(outcome)}`,
          ).toContain(outcome.kind);
        }
        const winner = winners[0]!;
        const etag = (outcomes[winner] as { etag: string }).etag;
        await expectContent(key, bodies[winner]!, etag, 'after a replace race');
      });
    });

    describe('get and head', () => {
      it('answers null for a missing key', async () => {
        await expectAbsent(`${freshPrefix()}never-written`, 'a key never written');
      });

      it('reads byte ranges and reports the whole size', async () => {
        const key = `${freshPrefix()}ranged`;
        const body = new Uint8Array(1000).map((_, index) => index % 251);
        const etag = await create(key, body);
        const cases = [
          { what: 'the middle', range: { offset: 100, length: 50 }, expected: body.subarray(100, 150) },
          { what: 'to the end', range: { offset: 900 }, expected: body.subarray(900) },
          { what: 'past the end', range: { offset: 990, length: 100 }, expected: body.subarray(990) },
          { what: 'from the first byte', range: { offset: 0, length: 1 }, expected: body.subarray(0, 1) },
          { what: 'starting at the end', range: { offset: 1000 }, expected: new Uint8Array(0) },
          { what: 'starting past the end', range: { offset: 5000, length: 10 }, expected: new Uint8Array(0) },
        ];
        for (const { what, range, expected } of cases) {
          const read = await store.get(key, range);
          expect(read, `${store.description} lost ${key} on a range read of ${what}`).not.toBeNull();
          expect(
            sameBytes(read!.body, expected),
            `${store.description} returned ${read!.body.length} wrong bytes for a range read of ${what}`,
          ).toBe(true);
          expect(read!.size, `${store.description} reported a range size, not the object size (${what})`).toBe(1000);
          expect(read!.etag, `${store.description} changed the etag on a range read (${what})`).toBe(etag);
        }
      });
    });

    describe('list', () => {
      it('lists more than one page of keys in order, after startAfter, up to limit', async () => {
        const prefix = freshPrefix();
        const keys = Array.from({ length: MANY_KEYS }, (_, index) => `${prefix}k/${String(index).padStart(5, '0')}`);
        // Created in a shuffled order so that the listing order cannot come from the creation order.
        const shuffled = [...keys].sort(() => Math.random() - 0.5);
        await boundedAll(shuffled, CREATE_CONCURRENCY, async (key) => {
          await create(key, text(key.slice(prefix.length)));
        });

        const all = await store.list(`${prefix}k/`);
        expect(
          all.map((entry) => entry.key),
          `${store.description} listed ${all.length} keys, or out of order`,
        ).toEqual(keys);
        expect(
          all.every((entry) => entry.size === entry.key.length - prefix.length),
          `${store.description} listed wrong sizes`,
        ).toBe(true);

        const afterMiddle = await store.list(`${prefix}k/`, { startAfter: keys[549] });
        expect(
          afterMiddle.map((entry) => entry.key),
          `${store.description} did not list strictly after startAfter`,
        ).toEqual(keys.slice(550));

        const acrossPage = await store.list(`${prefix}k/`, { startAfter: keys[994], limit: 20 });
        expect(
          acrossPage.map((entry) => entry.key),
          `${store.description} broke startAfter with a limit across a page boundary`,
        ).toEqual(keys.slice(995, 1015));

        const firstTen = await store.list(`${prefix}k/`, { limit: 10 });
        expect(
          firstTen.map((entry) => entry.key),
          `${store.description} ignored the limit`,
        ).toEqual(keys.slice(0, 10));

        const pastTheEnd = await store.list(`${prefix}k/`, { startAfter: keys.at(-1), limit: 5 });
        expect(pastTheEnd, `${store.description} listed keys after the last one`).toEqual([]);
      });

      it('lists only the given prefix, in byte order, with keys that share prefixes', async () => {
        const prefix = freshPrefix();
        // No key here is also the "folder" of other keys (as "a" and "a/b" would be): MinIO stores objects as
        // folders and leaves such keys out of listings, and klog's key layout never creates one.
        const names = ['b', 'a0', 'a/b/c', 'ab', 'a-b', 'a/c', 'a.x'];
        for (const name of names) await create(`${prefix}${name}`, text(name));
        const listNames = async (under: string, startAfter?: string) =>
          (
            await store.list(
              `${prefix}${under}`,
              startAfter === undefined ? {} : { startAfter: `${prefix}${startAfter}` },
            )
          ).map((entry) => entry.key.slice(prefix.length));

        // Byte order: '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < '0' (0x30) < 'b' (0x62).
        expect(await listNames(''), `${store.description} listed the whole prefix wrongly`).toEqual([
          'a-b',
          'a.x',
          'a/b/c',
          'a/c',
          'a0',
          'ab',
          'b',
        ]);
        expect(await listNames('a'), `${store.description} listed "a" wrongly`).toEqual([
          'a-b',
          'a.x',
          'a/b/c',
          'a/c',
          'a0',
          'ab',
        ]);
        expect(await listNames('a/'), `${store.description} listed "a/" wrongly`).toEqual(['a/b/c', 'a/c']);
        expect(await listNames('a/b'), `${store.description} listed "a/b" wrongly`).toEqual(['a/b/c']);
        expect(await listNames('a-'), `${store.description} listed "a-" wrongly`).toEqual(['a-b']);
        expect(await listNames('c'), `${store.description} listed keys for an unused prefix`).toEqual([]);
        expect(await listNames('a', 'a/b/c'), `${store.description} listed "a" after "a/b/c" wrongly`).toEqual([
          'a/c',
          'a0',
          'ab',
        ]);
      });
    });

    describe('delete', () => {
      it('deletes a key, and the key can be created again with a new etag', async () => {
        const prefix = freshPrefix();
        const key = `${prefix}object`;
        const first = await create(key, text('first life'));
        const outcome = await store.delete(key);
        expect(outcome.kind, `${store.description} refused an unconditional delete`).toBe('done');
        await expectAbsent(key, 'after delete');
        expect(await store.list(prefix), `${store.description} still lists a deleted key`).toEqual([]);
        const second = await create(key, text('second life'));
        expect(second, `${store.description} reused the etag of a deleted object`).not.toBe(first);
        await expectContent(key, text('second life'), second, 'after re-create');
      });

      it('answers done when deleting a missing key', async () => {
        const key = `${freshPrefix()}never-written`;
        const outcome = await store.delete(key);
        expect(outcome.kind, `${store.description} failed to delete a missing key`).toBe('done');
        await expectAbsent(key, 'after deleting a missing key');
      });

      if (options.supportsConditionalDelete !== false) {
        it('deletes with If-Match only the current version', async () => {
          const key = `${freshPrefix()}object`;
          const first = await create(key, text('version 1'));
          const replaced = await store.put(key, text('version 2'), { ifMatch: first });
          expect(replaced.kind, `${store.description} refused If-Match with the current etag`).toBe('done');
          const current = (replaced as { etag: string }).etag;

          const stale = await store.delete(key, { ifMatch: first });
          expect(stale.kind, `${store.description} accepted a delete with a stale If-Match`).toBe(
            'precondition-failed',
          );
          await expectContent(key, text('version 2'), current, 'after a refused stale delete');

          const deleted = await store.delete(key, { ifMatch: current });
          expect(deleted.kind, `${store.description} refused a delete with the current If-Match`).toBe('done');
          await expectAbsent(key, 'after a conditional delete');

          const missing = await store.delete(key, { ifMatch: current });
          expect(missing.kind, `${store.description} answered a conditional delete of a missing key`).toBe('not-found');
        });
      }
    });
  });
}

function describeOutcome(outcome: WriteOutcome): string {
  return 'error' in outcome ? `${outcome.kind} (${outcome.error.message})` : outcome.kind;
}
