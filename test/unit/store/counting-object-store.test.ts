import { describe, expect, it } from 'vitest';
import { CountingObjectStore } from '../../../sdk/store/counting-object-store.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { describeObjectStoreContract } from '../../contract/object-store.contract.js';

describeObjectStoreContract('counting over memory', async () => new CountingObjectStore(new MemoryObjectStore()));

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

describe('CountingObjectStore', () => {
  it('counts requests by type and the bytes moved', async () => {
    const store = new CountingObjectStore(new MemoryObjectStore({ description: 'memory under test' }));
    expect(store.description).toBe('memory under test');
    const created = await store.put('k', text('hello world'), { ifNoneMatch: '*' });
    await store.put('k', text('refused'), { ifNoneMatch: '*' });
    await store.get('k');
    await store.get('k', { offset: 6, length: 3 });
    await store.get('missing');
    await store.head('k');
    await store.list('');
    await store.delete('k', { ifMatch: (created as { etag: string }).etag });
    expect(store.counts()).toEqual({
      get: 3,
      head: 1,
      put: 2,
      list: 1,
      delete: 1,
      bytesRead: 11 + 3,
      bytesWritten: 11 + 7,
    });
  });

  it('counts a LIST as S3 bills it: one request per 1,000 keys returned', async () => {
    const inner = new MemoryObjectStore();
    for (let index = 0; index < 2_500; index++) {
      await inner.put(`k/${String(index).padStart(4, '0')}`, text('v'), { ifNoneMatch: '*' });
    }
    const store = new CountingObjectStore(inner);
    await store.list('k/');
    expect(store.counts().list).toBe(3);
    await store.list('none/');
    expect(store.counts().list).toBe(4);
  });

  it('counts requests that fail', async () => {
    const inner = new MemoryObjectStore();
    const store = new CountingObjectStore(inner);
    inner.faults.next('get', 'error-5xx');
    inner.faults.next('list', 'error-5xx');
    inner.faults.next('put', 'error-5xx');
    await expect(store.get('k')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.list('')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((await store.put('k', text('abc'), { ifNoneMatch: '*' })).kind).toBe('retriable');
    expect(store.counts()).toMatchObject({ get: 1, list: 1, put: 1, bytesRead: 0, bytesWritten: 3 });
  });

  it('returns snapshots and starts again from zero after reset', async () => {
    const store = new CountingObjectStore(new MemoryObjectStore());
    const before = store.counts();
    await store.head('k');
    expect(before.head).toBe(0);
    expect(store.counts().head).toBe(1);
    store.reset();
    expect(store.counts()).toEqual({ get: 0, head: 0, put: 0, list: 0, delete: 0, bytesRead: 0, bytesWritten: 0 });
  });
});
