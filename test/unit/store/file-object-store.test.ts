import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { describeObjectStoreContract } from '../../contract/object-store.contract.js';
import { killRunningChildren, startChild } from '../../helpers/child-workers.js';
import {
  CHILD_ENTRY,
  type ChildMessage,
  type CounterBody,
  isCompleteSelfCheckingBody,
  raceKey,
} from '../../helpers/file-store-scenarios.js';

const roots: string[] = [];

async function freshRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'klog-file-store-'));
  roots.push(root);
  return root;
}

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

/** The version entries (files and tombstones) in a key's directory. */
async function versionsOf(root: string, key: string): Promise<string[]> {
  return (await readdir(`${path.join(root, key)}~`)).filter((name) => /^[0-9]+$/.test(name));
}

async function replaceTimes(store: FileObjectStore, key: string, times: number): Promise<string> {
  let etag = (await store.head(key))!.etag;
  for (let index = 0; index < times; index++) {
    const outcome = await store.put(key, text(`replace ${index}`), { ifMatch: etag });
    expect(outcome.kind).toBe('done');
    etag = (outcome as { etag: string }).etag;
  }
  return etag;
}

describeObjectStoreContract('filesystem', async () => new FileObjectStore(await freshRoot()));

describe('FileObjectStore', () => {
  it('does not touch the disk until the first write', async () => {
    const root = path.join(await freshRoot(), 'not-yet');
    const store = new FileObjectStore(root);
    expect(await store.get('topics/a/meta.json')).toBeNull();
    expect(await store.list('topics/')).toEqual([]);
    expect(await store.delete('topics/a/meta.json')).toEqual({ kind: 'done' });
    expect(existsSync(root)).toBe(false);
    expect((await store.put('topics/a/meta.json', text('{}'), { ifNoneMatch: '*' })).kind).toBe('done');
    expect(existsSync(root)).toBe(true);
  });

  it('keeps each version of a key as a numbered file in the key directory', async () => {
    const root = await freshRoot();
    const store = new FileObjectStore(root);
    const created = await store.put('a/b/c.seg', text('v1'), { ifNoneMatch: '*' });
    expect(created).toEqual({ kind: 'done', etag: '1' });
    expect(await readdir(path.join(root, 'a', 'b', 'c.seg~'))).toEqual(['0000000001']);
    expect(await store.put('a/b/c.seg', text('v2'), { ifMatch: '1' })).toEqual({ kind: 'done', etag: '2' });
    await store.delete('a/b/c.seg');
    expect(await store.put('a/b/c.seg', text('v3'), { ifNoneMatch: '*' })).toEqual({ kind: 'done', etag: '4' });
  });

  it.each(['', '/a', 'a/', 'a//b', './a', 'a/../b', 'a~', 'a/b~/c', 'a b', 'a\\b', '.tmp/x'])(
    'refuses the key "%s" with INVALID_KEY',
    async (key) => {
      const store = new FileObjectStore(await freshRoot());
      await expect(store.get(key)).rejects.toMatchObject({ code: 'INVALID_KEY' });
      await expect(store.head(key)).rejects.toMatchObject({ code: 'INVALID_KEY' });
      await expect(store.put(key, text('x'), { ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'INVALID_KEY' });
      await expect(store.delete(key)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    },
  );

  it.each(['../', 'a/../', 'a~', 'a//'])('refuses the list prefix "%s" with INVALID_KEY', async (prefix) => {
    const store = new FileObjectStore(await freshRoot());
    await expect(store.list(prefix)).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });

  it('keeps the version count bounded over 500 replaces', async () => {
    const root = await freshRoot();
    const store = new FileObjectStore(root);
    await store.put('meta.json', text('start'), { ifNoneMatch: '*' });
    let most = 0;
    let etag = '1';
    for (let index = 0; index < 500; index++) {
      const outcome = await store.put('meta.json', text(`replace ${index}`), { ifMatch: etag });
      expect(outcome.kind).toBe('done');
      etag = (outcome as { etag: string }).etag;
      most = Math.max(most, (await versionsOf(root, 'meta.json')).length);
    }
    expect(most).toBeLessThanOrEqual(5);
    expect(new TextDecoder().decode((await store.get('meta.json'))!.body)).toBe('replace 499');
    expect(etag).toBe('501');
  });

  it('refuses a stale etag whose next version number was freed by garbage collection', async () => {
    const root = await freshRoot();
    const store = new FileObjectStore(root);
    await store.put('meta.json', text('v1'), { ifNoneMatch: '*' });
    const current = await replaceTimes(store, 'meta.json', 10);
    expect(await versionsOf(root, 'meta.json')).not.toContain('0000000002');
    const stale = await store.put('meta.json', text('stale'), { ifMatch: '1' });
    expect(stale.kind).toBe('precondition-failed');
    expect((await store.get('meta.json'))!.etag).toBe(current);
  });

  it('removes its own link and answers ambiguous when the version it linked is below the floor', async () => {
    // Recreates on disk what a writer sees when it read "newest is version 3" before a collector published
    // floor 10: its link of version 4 succeeds, but it cannot tell a freed slot (it was stale) from a win that
    // was superseded while it stalled.
    const root = await freshRoot();
    const store = new FileObjectStore(root);
    const dir = path.join(root, 'meta.json~');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, '0000000003'), 'v3');
    await writeFile(path.join(dir, 'floor-0000000010'), '');
    expect((await store.put('meta.json', text('stale'), { ifMatch: '3' })).kind).toBe('ambiguous');
    expect((await store.delete('meta.json', { ifMatch: '3' })).kind).toBe('ambiguous');
    expect((await store.get('meta.json'))!.etag).toBe('3');
    expect((await readdir(dir)).sort()).toEqual(['0000000003', 'floor-0000000010']);
  });

  it('re-creates a deleted key after its versions were collected, with a new etag', async () => {
    const root = await freshRoot();
    const store = new FileObjectStore(root);
    await store.put('k', text('v1'), { ifNoneMatch: '*' });
    await replaceTimes(store, 'k', 6);
    expect((await store.delete('k')).kind).toBe('done');
    expect(await versionsOf(root, 'k')).toEqual(['0000000008']);
    expect(await store.put('k', text('again'), { ifNoneMatch: '*' })).toEqual({ kind: 'done', etag: '9' });
  });

  it('sweeps temporary files older than an hour and keeps fresh ones', async () => {
    const root = await freshRoot();
    const tempDir = path.join(root, '.tmp');
    await mkdir(tempDir, { recursive: true });
    const old = path.join(tempDir, 'crashed-writer');
    const fresh = path.join(tempDir, 'live-writer');
    await writeFile(old, 'partial');
    await writeFile(fresh, 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    const store = new FileObjectStore(root);
    await store.put('k', text('v'), { ifNoneMatch: '*' });
    await store.close();
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect((await store.list('')).map((entry) => entry.key)).toEqual(['k']);
  });
});

describe('FileObjectStore across processes', () => {
  const CHILDREN = 4;

  afterEach(killRunningChildren);

  async function startChildren(args: (index: number) => string[]) {
    const children = await Promise.all(
      Array.from({ length: CHILDREN }, (_, index) => startChild<ChildMessage>(CHILD_ENTRY, args(index))),
    );
    // All children open the store and say ready before any starts, so that their writes really race.
    await Promise.all(children.map((child) => child.waitFor((message) => message.type === 'ready')));
    for (const child of children) child.send('go');
    return children;
  }

  it('lets exactly one of 4 processes win each of 50 keys over 200 creates each', async () => {
    const root = await freshRoot();
    const keyCount = 50;
    const children = await startChildren((index) => ['create-race', root, String(keyCount), '4', `child-${index}`]);
    const results = await Promise.all(
      children.map(async (child) => {
        const result = await child.waitFor((message) => message.type === 'create-race-result');
        return result as Extract<ChildMessage, { type: 'create-race-result' }>;
      }),
    );
    const winners = new Map<string, number>();
    for (const [index, result] of results.entries()) {
      expect(Object.values(result.outcomes).reduce((sum, count) => sum + count, 0)).toBe(200);
      expect(Object.keys(result.outcomes).filter((kind) => kind !== 'done' && kind !== 'precondition-failed')).toEqual(
        [],
      );
      for (const key of result.wins) {
        expect(winners.has(key), `${key} was won twice`).toBe(false);
        winners.set(key, index);
      }
    }
    expect(winners.size).toBe(keyCount);
    const store = new FileObjectStore(root);
    for (let index = 0; index < keyCount; index++) {
      const key = raceKey(index);
      const body = new TextDecoder().decode((await store.get(key))!.body);
      expect(body.startsWith(`child-${winners.get(key)}:${key}:`), `${key} holds ${body}`).toBe(true);
    }
    await Promise.all(children.map((child) => child.exited));
  });

  it('counts to 400 with 4 processes doing 100 If-Match increments each', async () => {
    const root = await freshRoot();
    const store = new FileObjectStore(root);
    const start: CounterBody = { value: 0, increments: [] };
    await store.put('counter.json', text(JSON.stringify(start)), { ifNoneMatch: '*' });
    const children = await startChildren((index) => ['counter', root, 'counter.json', '100', `child-${index}`]);
    const results = await Promise.all(
      children.map(async (child) => {
        const result = await child.waitFor((message) => message.type === 'counter-result');
        return result as Extract<ChildMessage, { type: 'counter-result' }>;
      }),
    );
    expect(results.reduce((sum, result) => sum + result.done, 0)).toBe(400);
    const final = JSON.parse(new TextDecoder().decode((await store.get('counter.json'))!.body)) as CounterBody;
    expect(final.value).toBe(400);
    // Every increment took effect exactly once: none lost, none applied twice.
    expect(new Set(final.increments).size).toBe(400);
    expect((await versionsOf(root, 'counter.json')).length).toBeLessThanOrEqual(CHILDREN + 5);
    await Promise.all(children.map((child) => child.exited));
  });

  it('never shows a partly written object, while writing or after a writer is killed with SIGKILL', async () => {
    const root = await freshRoot();
    const reader = new FileObjectStore(root);
    const torn: string[] = [];
    let reads = 0;
    const checkAll = async () => {
      for (const { key } of await reader.list('crash/')) {
        const stored = await reader.get(key);
        reads++;
        if (stored !== null && !isCompleteSelfCheckingBody(stored.body)) torn.push(`${key}@${stored.etag}`);
      }
    };
    for (let round = 0; round < 6; round++) {
      const child = await startChild<ChildMessage>(CHILD_ENTRY, ['crash-writes', root, '8']);
      await child.waitFor((message) => message.type === 'ready');
      child.send('go');
      await child.waitFor((message) => message.type === 'progress' && message.writes >= 3);
      // Read while the child writes, then kill it at a random point of its write loop.
      const killAt = Date.now() + Math.random() * 60;
      while (Date.now() < killAt) await checkAll();
      child.process.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGKILL');
    }
    await checkAll();
    expect(reads).toBeGreaterThan(0);
    expect(torn, 'partly written objects were readable').toEqual([]);
    for (const { key } of await reader.list('crash/')) {
      // The key is still writable after the crashes: no stuck state.
      const etag = (await reader.head(key))!.etag;
      const replaced = await reader.put(key, text('after the crash'), { ifMatch: etag });
      expect(replaced.kind, `${key} cannot be replaced after the crash`).toBe('done');
    }
  });
});
