import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';

/** The VALUE column of the table row whose METRIC and UNIT match. */
function tableValue(stdout: string, metric: string, unit: string): string | undefined {
  const row = stdout.split('\n').find((line) => line.startsWith(`${metric}  `) && line.endsWith(`  ${unit}`));
  return row?.slice(metric.length, row.length - unit.length).trim();
}

describe('klog bench consume (filesystem store)', () => {
  let home: CliHome;
  beforeAll(async () => {
    home = await openCliHome();
    await home.klog.admin().createTopics({ topics: [{ topic: 'seeded', numPartitions: 3 }] });
    const producer = home.klog.producer();
    const value = Buffer.alloc(40, 1);
    await producer.send({ topic: 'seeded', messages: Array.from({ length: 3000 }, () => ({ value })) });
    await producer.disconnect();
  });
  afterAll(() => home.close());

  it('reads everything up to the end and prints the table, with no progress line on a pipe', async () => {
    const run = await home.run(['bench', 'consume', '--topic', 'seeded']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^bench consume from seeded \(3 partitions\) at file:.*from the beginning/);
    expect(run.stdout).toMatch(/\nMETRIC +VALUE +UNIT\n/);
    expect(tableValue(run.stdout, 'records', 'records')).toBe('3,000');
    expect(tableValue(run.stdout, 'data', 'MB')).toBe('0.12');
    for (const [metric, unit] of [
      ['throughput', 'records/s'],
      ['throughput', 'MB/s'],
      ['GET', 'requests'],
      ['GETs per MB', 'requests/MB'],
      ['peak RSS', 'MB'],
    ] as const) {
      expect(tableValue(run.stdout, metric, unit), `${metric} (${unit})`).toMatch(/^[\d,]+(\.\d+)?$/);
    }
  });

  it('prints one JSON object with every figure under --json, stopping at --records', async () => {
    const run = await home.run(['bench', 'consume', '--topic', 'seeded', '--records', '1000', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      topic: 'seeded',
      partitions: 3,
      url: home.url,
      settings: { fromBeginning: true, records: 1000, maxBytes: 10 * 1024 * 1024 },
      records: 1000,
      bytes: 40_000,
    });
    expect(result.recordsPerSecond).toBeGreaterThan(0);
    expect(result.megabytesPerSecond).toBeGreaterThan(0);
    expect(result.requests.get).toBeGreaterThan(0);
    expect(result.requests.put).toBe(0);
    expect(result.getsPerMegabyte).toBeGreaterThan(0);
    expect(result.peakRssMegabytes).toBeGreaterThan(0);
  });

  it('says how to fill a missing topic, and refuses to wait at the end without --records', async () => {
    const [missing, atEnd] = await Promise.all([
      home.run(['bench', 'consume', '--topic', 'nope']),
      home.run(['bench', 'consume', '--topic', 'seeded', '--no-from-beginning']),
    ]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe('klog: Topic "nope" does not exist. Fill it with: klog bench produce --topic nope\n');
    expect(atEnd.code).toBe(3);
    expect(atEnd.stderr).toMatch(/^klog: --no-from-beginning starts at the end .* give --records N/);
    expect(atEnd.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
