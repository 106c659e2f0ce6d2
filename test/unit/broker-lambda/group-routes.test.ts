import { describe, expect, it } from 'vitest';
import { groupListPath, groupObjectPath, outcomeFromBody } from '../../../sdk/backend/broker-wire.js';
import { committedOffsetKey, groupStateKey, memberKey, membersPrefix } from '../../../sdk/store/keys.js';
import { brokerOnMemory } from '../../helpers/router-calls.js';

const body = (value: object) => Buffer.from(JSON.stringify(value));

describe('group-object routes', () => {
  it('creates, reads, replaces and deletes objects with the store conditions', async () => {
    const { call } = brokerOnMemory();
    const path = groupObjectPath(groupStateKey('g1'));
    expect(path).toBe('/v1/groups/g1/state');
    expect((await call('GET', path)).status).toBe(404);
    const created = await call('PUT', path, { body: body({ generation: 1 }), headers: { 'if-none-match': '*' } });
    expect(created.status).toBe(200);
    expect(created.json.outcome).toBe('done');
    const etag = created.headers.etag as string;
    expect(created.json.etag).toBe(etag);

    const again = await call('PUT', path, { body: body({ generation: 9 }), headers: { 'if-none-match': '*' } });
    expect(again.status).toBe(412);
    expect(outcomeFromBody(again.json, 'x')).toEqual({ kind: 'precondition-failed' });

    const read = await call('GET', path);
    expect(read.headers.etag).toBe(etag);
    expect(JSON.parse(Buffer.from(read.body).toString())).toEqual({ generation: 1 });

    const replaced = await call('PUT', path, { body: body({ generation: 2 }), headers: { 'if-match': etag } });
    expect(replaced.status).toBe(200);
    const stale = await call('PUT', path, { body: body({ generation: 3 }), headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);

    expect((await call('DELETE', path)).json).toEqual({ outcome: 'done' });
    const gone = await call('PUT', path, { body: body({}), headers: { 'if-match': etag } });
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ outcome: 'not-found' });
  });

  it('lists members and offsets under their routes', async () => {
    const { call } = brokerOnMemory();
    const member = memberKey('g1', '0123456789abcdef');
    const offset = committedOffsetKey('g1', 'abc-123', 2);
    for (const key of [member, offset]) {
      const answer = await call('PUT', groupObjectPath(key), { body: body({}), headers: { 'if-none-match': '*' } });
      expect(answer.status).toBe(200);
    }
    expect(groupObjectPath(offset)).toBe('/v1/groups/g1/offsets/abc-123/2');
    const members = await call('GET', groupListPath(membersPrefix('g1')));
    expect(members.json.objects.map((o: { key: string }) => o.key)).toEqual([member]);
    const all = await call('GET', groupListPath('groups/', { limit: 1 }));
    expect(all.json.objects).toHaveLength(1);
    const everything = await call('GET', '/v1/groups/g1/objects');
    expect(everything.json.objects.map((o: { key: string }) => o.key).sort()).toEqual([member, offset].sort());
  });

  it('refuses keys that are not group objects', async () => {
    const { call } = brokerOnMemory();
    const answer = await call('GET', '/v1/groups/g1/members/not-an-id');
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('INVALID_KEY');
    expect(() => groupObjectPath('topics/x/topic.json')).toThrow(/not a group object/);
  });
});
