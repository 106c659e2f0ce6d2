import { describe, expect, it } from 'vitest';
import {
  afterGroupKeys,
  committedOffsetKey,
  committedOffsetsPrefix,
  groupStateKey,
  memberKey,
  membersPrefix,
  parseCommittedOffsetKey,
  parseGroupFromKey,
  parseMemberKey,
  parseSegmentKey,
  partitionLeaseKey,
  segmentsPrefix,
} from '../../../sdk/store/keys.js';

const topicId = '0f3c1b8e-5a2d-4c1e-9b7a-2d4e6f8a0b1c';

describe('consumer-group keys', () => {
  it('lays a group out under groups/<group>/ (design brief §3)', () => {
    expect(groupStateKey('billing')).toBe('groups/billing/state.json');
    expect(memberKey('billing', '0123456789abcdef')).toBe('groups/billing/members/0123456789abcdef.json');
    expect(committedOffsetKey('billing', topicId, 7)).toBe(`groups/billing/offsets/${topicId}/7.json`);
    expect(membersPrefix('billing')).toBe('groups/billing/members/');
    expect(committedOffsetsPrefix('billing')).toBe('groups/billing/offsets/');
  });

  it('parses what it builds and nothing else', () => {
    expect(parseMemberKey('g', memberKey('g', 'ffffffffffffffff'))).toBe('ffffffffffffffff');
    expect(parseMemberKey('g', 'groups/g/members/not-an-id.json')).toBeNull();
    expect(parseMemberKey('other', memberKey('g', 'ffffffffffffffff'))).toBeNull();
    expect(parseCommittedOffsetKey('g', committedOffsetKey('g', topicId, 12))).toEqual({ topicId, partition: 12 });
    expect(parseCommittedOffsetKey('g', `groups/g/offsets/${topicId}/012.json`)).toBeNull();
    expect(parseCommittedOffsetKey('g', `groups/g/offsets/${topicId}/1/2.json`)).toBeNull();
    expect(parseGroupFromKey('groups/a.b/state.json')).toBe('a.b');
    expect(parseGroupFromKey('topics/a/topic.json')).toBeNull();
  });

  it('refuses to build keys from values klog never makes', () => {
    expect(() => memberKey('g', '../../topics')).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    expect(() => committedOffsetKey('g', 'x/y', 0)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    expect(() => committedOffsetKey('g', topicId, -1)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });

  it('sorts every key of a group before the key that skips past it, and the next group after', () => {
    const after = afterGroupKeys('a');
    expect(committedOffsetKey('a', topicId, 9) < after).toBe(true);
    expect(groupStateKey('a') < after).toBe(true);
    expect(after < groupStateKey('a0')).toBe(true);
  });
});

describe('partition keys', () => {
  it('puts the maintenance lease beside meta.json, outside log/, so a LIST of segments never sees it', () => {
    const ref = { topic: 'orders', topicId, partition: 3 };
    expect(partitionLeaseKey(ref)).toBe(`topics/orders/${topicId}/3/lease.json`);
    expect(partitionLeaseKey(ref).startsWith(segmentsPrefix(ref))).toBe(false);
    expect(parseSegmentKey(ref, partitionLeaseKey(ref))).toBeNull();
  });
});
