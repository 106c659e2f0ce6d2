import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeStoredOffset } from '../../../sdk/group/committed-offset-object.js';
import { OffsetClaim } from '../../../sdk/group/offset-claim.js';
import { committedOffsetKey, type PartitionRef } from '../../../sdk/store/keys.js';
import { type GroupStorageFixture, openGroupStorage, storeKinds } from './group-storage-fixture.js';

const ref: PartitionRef = { topic: 't', topicId: '11111111-2222-4333-8444-555555555555', partition: 3 };
const key = committedOffsetKey('g', ref.topicId, ref.partition);
const owner = (instanceId: string, generation: number, stateId = 's1') => ({
  instanceId,
  memberId: `member-${instanceId}`,
  stateId,
  generation,
});

describe.each(storeKinds)('OffsetClaim on the %s store', (kind) => {
  let fixture: GroupStorageFixture;
  beforeEach(async () => {
    fixture = await openGroupStorage(kind);
  });
  afterEach(async () => {
    await fixture.close();
  });

  async function stored() {
    const object = await fixture.store.get(key);
    return object === null ? null : decodeStoredOffset(object.body, key);
  }

  it('creates the object on the first claim, with no offset, and commits the next offset to read', async () => {
    const claim = (await OffsetClaim.claim(fixture.storage, 'g', ref, owner('aaaaaaaaaaaaaaaa', 2)))!;
    expect(claim.offset).toBeNull();
    expect(await claim.commit(10n)).toBe(true);
    expect(claim.offset).toBe(10n);
    expect(await stored()).toMatchObject({ offset: '10', owner: { instanceId: 'aaaaaaaaaaaaaaaa', generation: 2 } });
  });

  it('skips a commit of an unchanged offset and refuses one that moves backwards', async () => {
    const claim = (await OffsetClaim.claim(fixture.storage, 'g', ref, owner('aaaaaaaaaaaaaaaa', 1)))!;
    await claim.commit(5n);
    const before = await fixture.store.head(key);
    expect(await claim.commit(5n)).toBe(false);
    expect((await fixture.store.head(key))?.etag).toBe(before?.etag);
    await expect(claim.commit(4n)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await stored())?.offset).toBe('5');
  });

  it('lets a new owner take over keeping the offset; the old owner can no longer commit', async () => {
    const old = (await OffsetClaim.claim(fixture.storage, 'g', ref, owner('aaaaaaaaaaaaaaaa', 1)))!;
    await old.commit(7n);
    const taker = (await OffsetClaim.claim(fixture.storage, 'g', ref, owner('bbbbbbbbbbbbbbbb', 2)))!;
    expect(taker.offset).toBe(7n);
    const error = await old.commit(9n).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'REBALANCE_IN_PROGRESS',
      retriable: false,
      context: { owner: 'bbbbbbbbbbbbbbbb', partition: 3 },
    });
    expect((await stored())?.offset).toBe('7');
    // A claim that lost stays lost, even for an offset that would otherwise be a no-op.
    await expect(old.commit(7n)).rejects.toMatchObject({ code: 'REBALANCE_IN_PROGRESS' });
    await taker.commit(8n);
    expect((await stored())?.offset).toBe('8');
  });

  it('never overwrites a claim from a newer generation of the same state', async () => {
    await OffsetClaim.claim(fixture.storage, 'g', ref, owner('bbbbbbbbbbbbbbbb', 5));
    expect(await OffsetClaim.claim(fixture.storage, 'g', ref, owner('aaaaaaaaaaaaaaaa', 4))).toBeNull();
    expect((await stored())?.owner?.instanceId).toBe('bbbbbbbbbbbbbbbb');
    // A claim from another state (the group was deleted and created again) is not "newer".
    expect(await OffsetClaim.claim(fixture.storage, 'g', ref, owner('aaaaaaaaaaaaaaaa', 1, 's2'))).not.toBeNull();
  });

  it('reuses its own claim instead of writing again', async () => {
    const first = (await OffsetClaim.claim(fixture.storage, 'g', ref, owner('aaaaaaaaaaaaaaaa', 3)))!;
    await first.commit(2n);
    const etag = (await fixture.store.head(key))?.etag;
    const again = (await OffsetClaim.claim(fixture.storage, 'g', ref, owner('aaaaaaaaaaaaaaaa', 3)))!;
    expect(again.offset).toBe(2n);
    expect((await fixture.store.head(key))?.etag).toBe(etag);
  });
});

describe('OffsetClaim with store faults', () => {
  it('settles a commit whose answer was lost by reading the object back', async () => {
    const fixture = await openGroupStorage('memory');
    const claim = (await OffsetClaim.claim(fixture.storage, 'g', ref, owner('aaaaaaaaaaaaaaaa', 1)))!;
    fixture.memory!.faults.next('put', 'land-then-timeout');
    expect(await claim.commit(3n)).toBe(true);
    fixture.memory!.faults.next('put', 'error-5xx');
    expect(await claim.commit(4n)).toBe(true);
    expect(await claim.commit(5n)).toBe(true);
    const object = await fixture.store.get(key);
    expect(decodeStoredOffset(object!.body, key).offset).toBe('5');
    await fixture.close();
  });
});
