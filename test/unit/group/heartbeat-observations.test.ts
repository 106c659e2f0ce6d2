import { describe, expect, it } from 'vitest';
import { HeartbeatObservations } from '../../../sdk/group/heartbeat-observations.js';

describe('HeartbeatObservations', () => {
  it('judges a member expired only when a GET started a full session after the answer that first showed its etag', () => {
    const seen = new HeartbeatObservations();
    seen.record('a', 'e1', 1_000, 0, 50);
    seen.record('a', 'e1', 1_000, 1_049, 1_060);
    expect(seen.isExpired('a')).toBe(false);
    seen.record('a', 'e1', 1_000, 1_050, 1_070);
    expect(seen.isExpired('a')).toBe(true);
    expect(seen.isGone('a')).toBe(true);
  });

  it('starts counting again whenever the etag changes', () => {
    const seen = new HeartbeatObservations();
    seen.record('a', 'e1', 1_000, 0, 10);
    seen.record('a', 'e2', 1_000, 900, 910);
    seen.record('a', 'e2', 1_000, 1_500, 1_510);
    expect(seen.isExpired('a')).toBe(false);
    seen.record('a', 'e2', 1_000, 1_910, 1_920);
    expect(seen.isExpired('a')).toBe(true);
  });

  it('counts an absent heartbeat (or a tombstone) as gone at once, and never observed as not gone', () => {
    const seen = new HeartbeatObservations();
    expect(seen.isGone('x')).toBe(false);
    seen.record('x', null, 0, 0, 1);
    expect(seen.isGone('x')).toBe(true);
    expect(seen.isExpired('x')).toBe(false);
    expect(seen.etagOf('x')).toBeNull();
  });

  it('uses the session timeout the member itself declared, as its heartbeat says', () => {
    const seen = new HeartbeatObservations();
    seen.record('slow', 'e', 5_000, 0, 0);
    seen.record('slow', 'e', 5_000, 2_000, 2_000);
    expect(seen.isExpired('slow')).toBe(false);
  });

  it('forgets members not retained, and marks members gone for good', () => {
    const seen = new HeartbeatObservations();
    seen.record('a', 'e', 1_000, 0, 0);
    seen.record('b', 'e', 1_000, 0, 0);
    seen.retainOnly(['b']);
    expect(seen.etagOf('a')).toBeUndefined();
    seen.markGone('b', 10);
    expect(seen.isGone('b')).toBe(true);
  });
});
