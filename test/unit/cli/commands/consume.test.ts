import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { klogBin } from '../../../helpers/cli-process.js';
import { type CliHome, openCliHome } from '../cli-home.js';

const start = Date.parse('2025-06-01T12:00:00Z');

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('klog consume', () => {
  let home: CliHome;

  beforeAll(async () => {
    home = await openCliHome();
    await home.klog.admin().createTopics({
      topics: [
        { topic: 'orders', numPartitions: 2 },
        { topic: 'many', numPartitions: 1 },
      ],
    });
    const producer = home.klog.producer();
    await producer.send({
      topic: 'orders',
      messages: [
        { key: 'k0', value: 'v0', partition: 0, timestamp: String(start), headers: { h: 'x' } },
        { key: 'k1', value: 'v1', partition: 0, timestamp: String(start + 1000) },
        { key: null, value: 'v2', partition: 0, timestamp: String(start + 2000) },
        { key: 'k3', value: 'w0', partition: 1, timestamp: String(start + 500) },
      ],
    });
    // Far more than a pipe holds (64 KiB), so that a reader that goes away is noticed mid-output.
    const value = 'x'.repeat(100);
    await producer.send({ topic: 'many', messages: Array.from({ length: 5000 }, () => ({ value })) });
    await producer.disconnect();
  });
  afterAll(() => home.close());

  it("prints kcat's --format tokens", async () => {
    const result = await home.run([
      'consume',
      'orders',
      '--partition',
      '0',
      '--from-beginning',
      '--exit-at-end',
      '--format',
      '%t|%p|%o|%T|%k|%K|%s|%S|%h\\n',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(lines(result.stdout)).toEqual([
      `orders|0|0|${start}|k0|2|v0|2|h=x`,
      `orders|0|1|${start + 1000}|k1|2|v1|2|`,
      `orders|0|2|${start + 2000}||-1|v2|2|`,
    ]);
  });

  it("prints Kafka's console layout with the --print-* flags", async () => {
    const result = await home.run([
      'consume',
      'orders',
      '--partition',
      '0',
      '--offset',
      '1',
      '--exit-at-end',
      '--print-timestamp',
      '--print-partition',
      '--print-offset',
      '--print-headers',
      '--print-key',
      '--key-separator',
      ' ',
    ]);
    expect(lines(result.stdout)).toEqual([
      `CreateTime:${start + 1000} Partition:0 Offset:1 NO_HEADERS k1 v1`,
      `CreateTime:${start + 2000} Partition:0 Offset:2 NO_HEADERS null v2`,
    ]);
  });

  it('--offset -1 prints the last record of each partition; @<time> starts at the first record at or after it', async () => {
    const [last, since] = await Promise.all([
      home.run(['consume', 'orders', '--offset', '-1', '--exit-at-end', '--print-partition']),
      home.run(['consume', 'orders', '--offset', `@${start + 1000}`, '--exit-at-end']),
    ]);
    expect(last.code).toBe(0);
    expect(lines(last.stdout).sort()).toEqual(['Partition:0\tv2', 'Partition:1\tw0']);
    expect(lines(since.stdout)).toEqual(['v1', 'v2']);
  });

  it('--count stops after that many records, without --exit-at-end', async () => {
    const result = await home.run(['consume', 'many', '--from-beginning', '--count', '3']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(lines(result.stdout)).toHaveLength(3);
  });

  it('refuses a bad --offset (exit 3) and a missing topic (exit 4), in one line each', async () => {
    const [offset, missing] = await Promise.all([
      home.run(['consume', 'orders', '--offset', 'soon']),
      home.run(['consume', 'absent', '--from-beginning']),
    ]);
    expect(offset.code).toBe(3);
    expect(lines(offset.stderr)).toEqual([expect.stringMatching(/^klog: --offset "soon" is not an offset/)]);
    expect(missing.code).toBe(4);
    expect(lines(missing.stderr)).toEqual([
      `klog: Topic "absent" does not exist. Create it with: klog topic create absent`,
    ]);
  });

  it('with --group, --count commits exactly the records printed, and the next run of the group continues there', async () => {
    const first = await home.run(['consume', 'many', '--group', 'counted', '--from-beginning', '--count', '3']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(lines(first.stdout)).toHaveLength(3);
    // --from-beginning only applies where the group has no committed offset.
    const next = await home.run([
      'consume',
      'many',
      '--group',
      'counted',
      '--from-beginning',
      '--count',
      '2',
      '--format',
      '%o\\n',
    ]);
    expect(next).toMatchObject({ code: 0, stdout: '3\n4\n', stderr: '' });
  });

  it('refuses --partition and per-partition --offset forms with --group (usage, exit 2)', async () => {
    const [partition, offset] = await Promise.all([
      home.run(['consume', 'orders', '--group', 'billing', '--partition', '0']),
      home.run(['consume', 'orders', '--group', 'billing', '--offset', '-1']),
    ]);
    expect(partition.code).toBe(2);
    expect(partition.stderr).toContain('--partition cannot be used with --group');
    expect(offset.code).toBe(2);
    expect(offset.stderr).toContain('--offset -1 cannot be used with --group');
  });

  it('exits quietly with 0 when the reader goes away (klog consume | head -1)', async () => {
    const script = `"${process.execPath}" "${klogBin}" consume many --from-beginning --url "${home.url}" | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`;
    const { stdout, stderr } = await runShell(script);
    expect(stdout).toBe(`${'x'.repeat(100)}\n`);
    expect(stderr).toBe('exit=0\n');
  });

  it('follows the log until SIGINT, then disconnects and exits 0 without printing half a record', async () => {
    const child = startKlog(['consume', 'orders', '--partition', '1', '--offset', 'beginning'], home.url);
    await child.printed('w0\n');
    const producer = home.klog.producer();
    await producer.send({ topic: 'orders', messages: [{ value: 'live', partition: 1 }] });
    await producer.disconnect();
    await child.printed('live\n');
    expect(await child.stop('SIGINT')).toEqual({ code: 0, signal: null, stdout: 'w0\nlive\n', stderr: '' });
  });

  it('with --group, commits the records printed when SIGTERM stops it, before exiting 0', async () => {
    await home.klog.admin().createTopics({ topics: [{ topic: 'followed', numPartitions: 2 }] });
    const producer = home.klog.producer();
    await producer.send({
      topic: 'followed',
      messages: [
        { value: 'x0', partition: 0 },
        { value: 'x1', partition: 0 },
        { value: 'y0', partition: 1 },
      ],
    });
    await producer.disconnect();
    const child = startKlog(['consume', 'followed', '--group', 'follower', '--from-beginning'], home.url);
    await child.printed('x1\n');
    await child.printed('y0\n');
    // Auto-commits come every 5 s: the offsets seen right after the exit are the final commit's.
    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0, signal: null, stderr: '' });
    const [offsets] = await home.klog.admin().fetchOffsets({ groupId: 'follower', topics: ['followed'] });
    expect(offsets!.partitions.map((entry) => entry.offset)).toEqual(['2', '1']);
  });
});

/** The real binary, running until stopped: `printed` waits for text on stdout, `stop` signals it and waits. */
function startKlog(args: readonly string[], url: string) {
  const child = spawn(process.execPath, [klogBin, ...args], {
    env: { ...process.env, KLOG_URL: url, KLOG_PROFILE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    async printed(text: string): Promise<void> {
      while (!stdout.includes(text)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    async stop(signal: NodeJS.Signals) {
      child.kill(signal);
      return { ...(await exited), stdout, stderr };
    },
  };
}

function runShell(script: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}
