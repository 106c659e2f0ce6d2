import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../cli-home.js';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('klog produce', () => {
  let home: CliHome;
  beforeAll(async () => {
    home = await openCliHome();
  });
  afterAll(() => home.close());

  it('produces one record per line, creating the topic with a notice; consume prints them back', async () => {
    const produced = await home.run(['produce', 't'], { input: 'a\nb\n' });
    expect(produced).toMatchObject({ code: 0, stdout: '' });
    expect(lines(produced.stderr)).toEqual([
      'klog: created topic "t" (1 partition, the defaults); --no-create-topic prevents this',
      'klog: produced 2 records to topic "t" (partition 0: offsets 0 to 1)',
    ]);
    const consumed = await home.run(['consume', 't', '--from-beginning', '--exit-at-end']);
    expect(consumed).toMatchObject({ code: 0, stdout: 'a\nb\n', stderr: '' });
  });

  it('round-trips keys, headers, null markers and empty values, with JSON on both sides', async () => {
    const produced = await home.run(
      [
        'produce',
        'keyed',
        '--parse-key',
        '--key-separator',
        ':',
        '--null-marker',
        'NULL',
        '--header',
        'source=cli',
        '--header',
        'tag=1',
        '--header',
        'tag=2',
        '--json',
      ],
      { input: 'k1:v1\nk2:NULL\nNULL:v3\nk4:\n' },
    );
    expect(produced).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(produced.stdout)).toEqual({
      topic: 'keyed',
      createdTopic: true,
      records: 4,
      failed: 0,
      partitions: [{ partition: 0, records: 4, firstOffset: '0', lastOffset: '3' }],
      errors: [],
    });
    const consumed = await home.run(['consume', 'keyed', '--from-beginning', '--exit-at-end', '--json']);
    expect(consumed.code).toBe(0);
    const envelopes = lines(consumed.stdout).map((line) => JSON.parse(line));
    const headers = { source: 'cli', tag: ['1', '2'] };
    expect(envelopes).toEqual([
      { topic: 'keyed', partition: 0, offset: '0', timestamp: expect.any(String), headers, key: 'k1', value: 'v1' },
      { topic: 'keyed', partition: 0, offset: '1', timestamp: expect.any(String), headers, key: 'k2', value: null },
      { topic: 'keyed', partition: 0, offset: '2', timestamp: expect.any(String), headers, key: null, value: 'v3' },
      { topic: 'keyed', partition: 0, offset: '3', timestamp: expect.any(String), headers, key: 'k4', value: '' },
    ]);
  });

  it('reports per partition offsets that match the log, for keyed records over three partitions', async () => {
    await home.klog.admin().createTopics({ topics: [{ topic: 'spread', numPartitions: 3 }] });
    const input = Array.from({ length: 60 }, (_, i) => `key-${i}\tvalue-${i}`).join('\n');
    const produced = await home.run(['produce', 'spread', '--parse-key', '--json'], { input });
    expect(produced.code).toBe(0);
    const summary = JSON.parse(produced.stdout) as {
      records: number;
      partitions: { partition: number; records: number; firstOffset: string; lastOffset: string }[];
    };
    const offsets = await home.klog.admin().fetchTopicOffsets('spread');
    expect(summary.records).toBe(60);
    expect(summary.partitions).toEqual(
      offsets
        .filter((entry) => entry.high !== '0')
        .map((entry) => ({
          partition: entry.partition,
          records: Number(entry.high),
          firstOffset: '0',
          lastOffset: String(Number(entry.high) - 1),
        })),
    );
    expect(summary.partitions.length).toBeGreaterThan(1);
  });

  it('reads --file and sends every record to --partition', async () => {
    await home.klog.admin().createTopics({ topics: [{ topic: 'filed', numPartitions: 2 }] });
    const path = join(home.dir, 'records.txt');
    await writeFile(path, 'one\r\ntwo\r\n');
    const produced = await home.run(['produce', 'filed', '--file', path, '--partition', '1', '--compression', 'gzip']);
    expect(lines(produced.stderr)).toEqual(['klog: produced 2 records to topic "filed" (partition 1: offsets 0 to 1)']);
    const consumed = await home.run(['consume', 'filed', '--partition', '1', '--from-beginning', '--exit-at-end']);
    expect(consumed.stdout).toBe('one\ntwo\n');
  });

  it('exits with 7 when some lines fail and the others are produced', async () => {
    const produced = await home.run(['produce', 'partial', '--parse-key', '--key-separator', ':'], {
      input: 'a:1\nno separator\nb:2\n',
    });
    expect(produced.code).toBe(7);
    expect(lines(produced.stderr)).toEqual([
      'klog: created topic "partial" (1 partition, the defaults); --no-create-topic prevents this',
      'klog: Line 2 was not produced: it has no key separator ":" (--parse-key). Write key<separator>value, or ' +
        'choose the separator with --key-separator.',
      'klog: produced 2 records to topic "partial" (partition 0: offsets 0 to 1)',
      'klog: 1 record failed and was not produced',
    ]);
    expect((await home.klog.admin().fetchTopicOffsets('partial'))[0]?.high).toBe('2');
  });

  it('refuses a missing topic with --no-create-topic: one line, exit code 4, a stack only with --debug', async () => {
    const [plain, debug] = await Promise.all([
      home.run(['produce', 'absent', '--no-create-topic'], { input: 'x\n' }),
      home.run(['produce', 'absent', '--no-create-topic', '--debug'], { input: 'x\n' }),
    ]);
    expect(plain).toMatchObject({ code: 4, stdout: '' });
    expect(lines(plain.stderr)).toEqual([
      'klog: Topic "absent" does not exist. Create it with: klog topic create absent, or leave out ' +
        '--no-create-topic to create it with the defaults.',
    ]);
    expect(debug.code).toBe(4);
    expect(debug.stderr).toMatch(/^klog: Topic "absent" does not exist\..*\nKlogError: .*\n\s+at /);
    expect(await home.klog.admin().listTopics()).not.toContain('absent');
  });

  it('refuses an invalid topic name with exit code 3 and creates nothing', async () => {
    const result = await home.run(['produce', 'bad/name'], { input: 'x\n' });
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(lines(result.stderr)).toEqual([
      'klog: Invalid topic name "bad/name": use only ASCII letters, digits, ".", "_" and "-" (Kafka\'s rules; ' +
        'names become object keys).',
    ]);
  });
});
