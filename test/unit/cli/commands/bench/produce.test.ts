import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';

async function storedPerPartition(home: CliHome, topic: string): Promise<number[]> {
  const offsets = await home.klog.admin().fetchTopicOffsets(topic);
  return offsets.sort((a, b) => a.partition - b.partition).map(({ high }) => Number(high));
}

/** The VALUE column of the table row whose METRIC and UNIT match. */
function tableValue(stdout: string, metric: string, unit: string): string | undefined {
  const row = stdout.split('\n').find((line) => line.startsWith(`${metric}  `) && line.endsWith(`  ${unit}`));
  return row?.slice(metric.length, row.length - unit.length).trim();
}

describe('klog bench produce (filesystem store)', () => {
  let home: CliHome;
  beforeAll(async () => {
    home = await openCliHome();
  });
  afterAll(() => home.close());

  it('creates the topic, stores the requested records and prints the table, with no progress line on a pipe', async () => {
    const run = await home.run([
      'bench',
      'produce',
      '--topic',
      'bench-table',
      '--records',
      '5000',
      '--partitions',
      '3',
      '--record-size',
      '64',
      '--keys',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('klog: created topic "bench-table" with 3 partitions\n');
    const stored = await storedPerPartition(home, 'bench-table');
    expect(stored).toHaveLength(3);
    expect(stored.reduce((sum, count) => sum + count, 0)).toBe(5000);

    expect(run.stdout).toMatch(/^bench produce to bench-table \(3 partitions\) at file:.*64-byte values, keyed/);
    expect(run.stdout).toMatch(/\nMETRIC +VALUE +UNIT\n/);
    expect(tableValue(run.stdout, 'records', 'records')).toBe('5,000');
    expect(tableValue(run.stdout, 'sends', 'calls')).toBe('50');
    for (const [metric, unit] of [
      ['throughput', 'records/s'],
      ['throughput', 'MB/s'],
      ['send latency p50', 'ms'],
      ['send latency p99', 'ms'],
      ['send latency p999', 'ms'],
      ['PUT', 'requests'],
      ['GET', 'requests'],
      ['PUTs per MB', 'requests/MB'],
      ['peak RSS', 'MB'],
    ] as const) {
      expect(tableValue(run.stdout, metric, unit), `${metric} (${unit})`).toMatch(/^[\d,]+(\.\d+)?$/);
    }
  });

  it('prints one JSON object with every figure under --json, sending for --duration at --throughput', async () => {
    const run = await home.run([
      'bench',
      'produce',
      '--topic',
      'bench-json',
      '--duration',
      '1',
      '--throughput',
      '5000',
      '--record-size',
      '10',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    const stored = await storedPerPartition(home, 'bench-json');
    expect(stored).toHaveLength(4);
    expect(result).toMatchObject({
      topic: 'bench-json',
      partitions: 4,
      url: home.url,
      settings: {
        recordSize: 10,
        keys: false,
        messagesPerSend: 100,
        lingerMs: 5,
        compression: 'none',
        throughput: 5000,
      },
      records: stored.reduce((sum, count) => sum + count, 0),
    });
    expect(result.settings.durationSeconds).toBe(1);
    expect(result.bytes).toBe(result.records * 10);
    // Paced at 5,000 records/s for 1 s: the send due at the deadline is not made.
    expect(result.records).toBeLessThanOrEqual(5000);
    expect(result.seconds).toBeGreaterThanOrEqual(1);
    expect(result.recordsPerSecond).toBeGreaterThan(0);
    expect(result.megabytesPerSecond).toBeGreaterThan(0);
    const latency = result.sendLatencyMs;
    expect(latency.samples).toBe(result.records / 100);
    expect(latency.p50Ms).toBeLessThanOrEqual(latency.p99Ms);
    expect(latency.p99Ms).toBeLessThanOrEqual(latency.p999Ms);
    expect(latency.p999Ms).toBeLessThanOrEqual(latency.maxMs);
    expect(result.requests.put).toBeGreaterThan(0);
    expect(Object.keys(result.requests).sort()).toEqual(
      ['bytesRead', 'bytesWritten', 'delete', 'get', 'head', 'list', 'put'].sort(),
    );
    expect(result.putsPerMegabyte).toBeGreaterThan(0);
    expect(result.peakRssMegabytes).toBeGreaterThan(0);
  });

  it('refuses --records together with --duration as a usage error', async () => {
    const run = await home.run(['bench', 'produce', '--records', '10', '--duration', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--duration');
    expect(await home.klog.admin().listTopics()).not.toContain('klog-bench');
  });
});
