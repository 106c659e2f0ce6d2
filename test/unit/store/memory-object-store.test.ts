import { describe, expect, it } from 'vitest';
import { isKlogError } from '../../../sdk/errors.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { describeObjectStoreContract } from '../../contract/object-store.contract.js';

describeObjectStoreContract('memory', async () => new MemoryObjectStore());
describeObjectStoreContract(
  'memory with latency',
  async () => new MemoryObjectStore({ latencyMs: () => Math.random() * 2 }),
);

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

async function content(store: MemoryObjectStore, key: string): Promise<string | null> {
  const stored = await store.get(key);
  return stored === null ? null : new TextDecoder().decode(stored.body);
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('MemoryObjectStore', () => {
  it('calls a latency function once per operation', async () => {
    let calls = 0;
    const store = new MemoryObjectStore({
      latencyMs: () => {
        calls++;
        return 1;
      },
    });
    await store.put('k', text('v'), { ifNoneMatch: '*' });
    await store.get('k');
    await store.head('k');
    await store.list('');
    await store.delete('k');
    expect(calls).toBe(5);
  });

  it('copies bodies on the way in and out', async () => {
    const store = new MemoryObjectStore();
    const body = text('original');
    await store.put('k', body, { ifNoneMatch: '*' });
    body[0] = 0;
    const read = await store.get('k');
    read!.body[1] = 0;
    expect(await content(store, 'k')).toBe('original');
  });

  it('lists in UTF-8 byte order, not UTF-16 order', async () => {
    const store = new MemoryObjectStore();
    // U+FF5E is one UTF-16 unit above every surrogate but its UTF-8 bytes sort below U+1F600's.
    for (const key of ['p/\u{1F600}', 'p/\uFF5E', 'p/z']) await store.put(key, text(key), { ifNoneMatch: '*' });
    expect((await store.list('p/')).map((entry) => entry.key)).toEqual(['p/z', 'p/\uFF5E', 'p/\u{1F600}']);
    expect((await store.list('p/', { startAfter: 'p/\uFF5E' })).map((entry) => entry.key)).toEqual(['p/\u{1F600}']);
  });

  it('refuses an invalid range', async () => {
    const store = new MemoryObjectStore();
    await store.put('k', text('v'), { ifNoneMatch: '*' });
    await expect(store.get('k', { offset: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('MemoryObjectStore fault injection', () => {
  it.each([
    ['error-5xx', 'retriable', null],
    ['reset-before-send', 'retriable', null],
    ['conflict-absent', 'conflict', null],
    ['land-then-timeout', 'ambiguous', 'v'],
    ['drop-response', 'ambiguous', 'v'],
  ] as const)('a put with %s answers %s and leaves %s', async (fault, kind, stored) => {
    const store = new MemoryObjectStore();
    store.faults.next('put', fault);
    const outcome = await store.put('k', text('v'), { ifNoneMatch: '*' });
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'retriable' || outcome.kind === 'ambiguous') {
      expect(isKlogError(outcome.error, 'STORE_UNAVAILABLE')).toBe(true);
      expect(outcome.error.message).toContain(fault);
    }
    expect(await content(store, 'k')).toBe(stored);
    expect(store.faults.injected()).toEqual({ [fault]: 1 });
  });

  it('evaluates the condition of a write that lands before its timeout', async () => {
    const store = new MemoryObjectStore();
    await store.put('k', text('first'), { ifNoneMatch: '*' });
    store.faults.next('put', 'land-then-timeout');
    const outcome = await store.put('k', text('second'), { ifNoneMatch: '*' });
    expect(outcome.kind).toBe('ambiguous');
    expect(await content(store, 'k')).toBe('first');
  });

  it('lands a land-later write only when released, after a GET saw the key absent', async () => {
    const store = new MemoryObjectStore();
    const release = gate();
    store.faults.next('put', { kind: 'land-later', release: release.promise });
    const outcome = await store.put('k', text('late'), { ifNoneMatch: '*' });
    expect(outcome.kind).toBe('ambiguous');
    expect(await content(store, 'k')).toBeNull();
    release.open();
    await store.faults.pending();
    expect(await content(store, 'k')).toBe('late');
  });

  it('fails the condition of a land-later write when another write got there first', async () => {
    const store = new MemoryObjectStore();
    const release = gate();
    store.faults.next('put', { kind: 'land-later', release: release.promise });
    await store.put('k', text('late'), { ifNoneMatch: '*' });
    const retried = await store.put('k', text('retry'), { ifNoneMatch: '*' });
    expect(retried.kind).toBe('done');
    release.open();
    await store.faults.pending();
    expect(await content(store, 'k')).toBe('retry');
  });

  it('holds a write until released, then runs it normally', async () => {
    const store = new MemoryObjectStore();
    const release = gate();
    store.faults.next('put', { kind: 'hold', release: release.promise });
    let settled = false;
    const held = store.put('k', text('held'), { ifNoneMatch: '*' }).then((outcome) => {
      settled = true;
      return outcome;
    });
    const other = await store.put('k', text('other'), { ifNoneMatch: '*' });
    expect(other.kind).toBe('done');
    expect(settled).toBe(false);
    release.open();
    expect((await held).kind).toBe('precondition-failed');
    expect(await content(store, 'k')).toBe('other');
  });

  it('applies a queued fault only to a matching key, once, in queue order', async () => {
    const store = new MemoryObjectStore();
    store.faults.next('put', 'error-5xx', (key) => key.endsWith('.seg'));
    store.faults.next('put', 'conflict-absent', (key) => key.endsWith('.seg'));
    expect((await store.put('meta.json', text('m'), { ifNoneMatch: '*' })).kind).toBe('done');
    expect((await store.put('a.seg', text('a'), { ifNoneMatch: '*' })).kind).toBe('retriable');
    expect((await store.put('a.seg', text('a'), { ifNoneMatch: '*' })).kind).toBe('conflict');
    expect((await store.put('a.seg', text('a'), { ifNoneMatch: '*' })).kind).toBe('done');
  });

  it.each(['get', 'head', 'list'] as const)(
    'fails a %s with a retriable STORE_UNAVAILABLE, once',
    async (operation) => {
      const store = new MemoryObjectStore();
      await store.put('k', text('v'), { ifNoneMatch: '*' });
      store.faults.next(operation, 'error-5xx');
      const read = () =>
        operation === 'list' ? store.list('') : operation === 'head' ? store.head('k') : store.get('k');
      await expect(read()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: true });
      await expect(read()).resolves.not.toBeNull();
    },
  );

  it('applies write faults to deletes', async () => {
    const store = new MemoryObjectStore();
    await store.put('k', text('v'), { ifNoneMatch: '*' });
    store.faults.next('delete', 'error-5xx');
    expect((await store.delete('k')).kind).toBe('retriable');
    expect(await content(store, 'k')).toBe('v');
    store.faults.next('delete', 'drop-response');
    expect((await store.delete('k')).kind).toBe('ambiguous');
    expect(await content(store, 'k')).toBeNull();
  });

  it('drops queued faults on clear', async () => {
    const store = new MemoryObjectStore();
    store.faults.next('put', 'error-5xx');
    store.faults.clear();
    expect((await store.put('k', text('v'), { ifNoneMatch: '*' })).kind).toBe('done');
  });

  describe('random faults', () => {
    const kinds = [
      'error-5xx',
      'reset-before-send',
      'land-then-timeout',
      'drop-response',
      'conflict-absent',
      'land-later',
    ] as const;

    async function randomRun(seed: number): Promise<{ store: MemoryObjectStore; outcomes: string[] }> {
      const store = new MemoryObjectStore();
      store.faults.random({ seed, rate: 0.3, kinds, maxDelayMs: 3 });
      const outcomes: string[] = [];
      for (let index = 0; index < 400; index++) {
        outcomes.push((await store.put(`k${index}`, text(`v${index}`), { ifNoneMatch: '*' })).kind);
      }
      await store.faults.pending();
      return { store, outcomes };
    }

    it('is deterministic for a seed and differs between seeds', async () => {
      const first = await randomRun(7);
      const again = await randomRun(7);
      const other = await randomRun(8);
      expect(again.outcomes).toEqual(first.outcomes);
      expect(other.outcomes).not.toEqual(first.outcomes);
      expect(first.store.faults.injected()).toEqual(again.store.faults.injected());
    });

    it('fails about `rate` of the writes, with every kind, and lands exactly the writes it should', async () => {
      const { store, outcomes } = await randomRun(11);
      const faulted = outcomes.filter((kind) => kind !== 'done').length;
      expect(faulted).toBeGreaterThan(400 * 0.2);
      expect(faulted).toBeLessThan(400 * 0.4);
      expect(Object.keys(store.faults.injected()).sort()).toEqual([...kinds].sort());
      for (const [index, kind] of outcomes.entries()) {
        // Ambiguous writes of distinct keys all land (now or later); retriable and conflict writes never do.
        const expected = kind === 'done' || kind === 'ambiguous' ? `v${index}` : null;
        expect(await content(store, `k${index}`), `k${index} after ${kind}`).toBe(expected);
      }
    });

    it('leaves reads alone unless readErrorRate is set, and then fails some', async () => {
      const store = new MemoryObjectStore();
      store.faults.random({ seed: 3, rate: 1, kinds: ['error-5xx'] });
      await expect(store.get('absent')).resolves.toBeNull();
      store.faults.random({ seed: 3, rate: 0, kinds: ['error-5xx'], readErrorRate: 0.5 });
      const results = await Promise.allSettled(Array.from({ length: 100 }, () => store.get('absent')));
      const failed = results.filter((result) => result.status === 'rejected').length;
      expect(failed).toBeGreaterThan(20);
      expect(failed).toBeLessThan(80);
    });

    it('refuses a rate outside [0, 1]', () => {
      const store = new MemoryObjectStore();
      expect(() => store.faults.random({ seed: 1, rate: 2, kinds: ['error-5xx'] })).toThrow(/rate/);
    });
  });
});
