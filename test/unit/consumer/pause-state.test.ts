import { describe, expect, it } from 'vitest';
import { PauseState } from '../../../sdk/consumer/pause-state.js';

describe('PauseState', () => {
  it('pauses whole topics (including partitions that appear later) and single partitions', () => {
    const state = new PauseState();
    state.pause('a', undefined);
    state.pause('b', [2, 0]);
    expect(state.isPaused('a', 7)).toBe(true);
    expect(state.isPaused('b', 0)).toBe(true);
    expect(state.isPaused('b', 1)).toBe(false);
    expect(state.list(() => [0, 1, 2])).toEqual([
      { topic: 'a', partitions: [0, 1, 2] },
      { topic: 'b', partitions: [0, 2] },
    ]);
  });

  it('resumes some partitions of a paused topic, keeping the others paused', () => {
    const state = new PauseState();
    state.pause('a', undefined);
    state.resume('a', [1], [0, 1, 2]);
    expect(state.isPaused('a', 0)).toBe(true);
    expect(state.isPaused('a', 1)).toBe(false);
    expect(state.isPaused('a', 2)).toBe(true);
    state.resume('a', [0, 2], [0, 1, 2]);
    expect(state.list(() => [])).toEqual([]);
    state.pause('c', [3]);
    state.resume('c', undefined, []);
    expect(state.isPaused('c', 3)).toBe(false);
  });
});
