import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { klogBin } from '../../../../helpers/cli-process.js';
import { type CliHome, openCliHome } from '../../cli-home.js';

describe('klog maintenance run', () => {
  let home: CliHome;
  beforeEach(async () => {
    home = await openCliHome();
  });
  afterEach(() => home.close());

  async function topicOfThreeSegments(): Promise<void> {
    await home.klog.admin().createTopics({
      topics: [{ topic: 'small', configEntries: [{ name: 'retention.bytes', value: '1' }] }],
    });
    const producer = home.klog.producer();
    for (const value of ['a', 'b', 'c']) await producer.send({ topic: 'small', messages: [{ value }] });
    await producer.disconnect();
  }

  it('applies retention once and reports each partition, as a table and under --json', async () => {
    await topicOfThreeSegments();
    const json = await home.run(['maintenance', 'run', '--topic', 'small', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      partitions: [
        {
          topic: 'small',
          partition: 0,
          outcome: 'done',
          logStartBefore: '0',
          logStartAfter: '2',
          reason: 'bytes',
          deletedSegments: 2,
          deletedBytes: expect.any(Number),
        },
      ],
    });
    const [offsets] = await home.klog.admin().fetchTopicOffsets('small');
    expect(offsets).toMatchObject({ low: '2', high: '3' });

    const table = await home.run(['maintenance', 'run']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('');
    expect(table.stderr).toMatch(/1 partitions checked, 0 changed, 0 segments deleted/);
  });

  it('runs every <duration> until Ctrl-C, one JSON object per run, and exits 0', async () => {
    await topicOfThreeSegments();
    const child = spawn(process.execPath, [klogBin, 'maintenance', 'run', '--every', '50ms', '--json'], {
      env: { ...process.env, KLOG_HOME: home.dir, KLOG_URL: '', KLOG_PROFILE: '' },
    });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.split('\n').length > 2) resolve();
      });
      child.on('close', () => reject(new Error(`klog exited before two runs; stdout: ${stdout}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const runs = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(runs[0].partitions[0]).toMatchObject({ outcome: 'done', deletedSegments: 2 });
    expect(runs[1].partitions[0]).toMatchObject({ outcome: 'nothing-to-do', logStartAfter: '2' });
  });
});
