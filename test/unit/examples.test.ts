/**
 * The examples are documentation that runs: each one is run here on a fresh embedded store (KLOG_HOME in a
 * temporary folder), and its output is checked, so an API change that breaks an example fails a test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

describe('examples', () => {
  let home: string;
  let lines: string[];
  const argv = process.argv;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'klog-examples-'));
    vi.stubEnv('KLOG_HOME', home);
    vi.stubEnv('KLOG_URL', undefined);
    lines = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    // Each example takes an optional topic name as its first argument; run them with their defaults.
    process.argv = argv.slice(0, 2);
  });

  afterEach(async () => {
    process.argv = argv;
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await rm(home, { recursive: true, force: true });
  });

  it('produce-consume sends nine records and receives them back', async () => {
    await import('../../examples/produce-consume.js');
    expect(lines[0]).toContain(home);
    const received = lines.filter((line) => line.startsWith('received '));
    expect(received).toHaveLength(9);
    expect(received.map((line) => JSON.parse(line.slice(line.indexOf('{'))).order).sort()).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(lines.at(-1)).toMatch(/^records sent 9, received 9; store requests: \d+ PUT/);
  });

  it('admin creates a topic, changes its retention and adds a partition', async () => {
    await import('../../examples/admin.js');
    expect(lines).toEqual([
      `store: ${pathToFileURL(home).href}`,
      'created topic example-admin',
      '  retention.ms = 3600000',
      '  retention.bytes = -1 (default)',
      '  max.message.bytes = 1048576 (default)',
      '  partition 0: offsets 0..0',
      '  partition 1: offsets 0..0',
      '  partition 2: offsets 0..0',
      'topics: example-admin',
    ]);
  });
});
