import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from './cli-home.js';

/** A port on 127.0.0.1 that nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('CLI errors: one line that says what to do, a documented exit code, a stack only with --debug', () => {
  let home: CliHome;
  beforeAll(async () => {
    home = await openCliHome();
  });
  afterAll(() => home.close());

  it('names the command that creates a missing topic, with the same --url', async () => {
    const [plain, json] = await Promise.all([
      home.run(['topic', 'describe', 'nope', '--url', home.url]),
      home.run(['offsets', 'nope', '--json']),
    ]);
    expect(plain).toMatchObject({ code: 4, stdout: '' });
    expect(lines(plain.stderr)).toEqual([
      `klog: Topic "nope" does not exist. Create it with: klog topic create nope --url ${home.url}`,
    ]);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: {
        code: 'TOPIC_NOT_FOUND',
        message: 'Topic "nope" does not exist. Create it with: klog topic create nope',
      },
    });
  });

  it('rejects an invalid topic name with exit code 3, and bad usage with exit code 2', async () => {
    const [invalid, usage] = await Promise.all([
      home.run(['topic', 'create', 'orders/2025']),
      home.run(['topic', 'create', 'orders', '--replicas', '3']),
    ]);
    expect(invalid.code).toBe(3);
    expect(lines(invalid.stderr)).toEqual([
      'klog: Invalid topic name "orders/2025": use only ASCII letters, digits, ".", "_" and "-" (Kafka\'s rules; ' +
        'names become object keys).',
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Nonexistent flag: --replicas');
  });

  it('reports an unreachable endpoint on one line naming it, with exit code 6; --debug adds the stack', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const env = {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: 'klog-test',
      AWS_SECRET_ACCESS_KEY: 'klog-test-secret',
      AWS_REGION: 'us-east-1',
    };
    const args = ['topic', 'list', '--url', 's3://klog-test/unreachable'];
    // The kill timer only stops a hung run: the CLI retries briefly, so this takes about a second.
    const [plain, debug] = await Promise.all([
      home.run(args, { env, timeoutMs: 30_000 }),
      home.run([...args, '--debug'], { env, timeoutMs: 30_000 }),
    ]);
    expect(plain).toMatchObject({ code: 6, stdout: '' });
    const [line, ...rest] = lines(plain.stderr);
    expect(rest).toEqual([]);
    expect(line).toMatch(/^klog: Cannot reach the object store at http:\/\/127\.0\.0\.1:\d+ /);
    expect(line).toContain(endpoint);
    expect(line).toContain('(store s3://klog-test/unreachable from --url)');
    expect(debug.code).toBe(6);
    expect(debug.stderr).toContain(line);
    expect(debug.stderr).toMatch(/\n {4}at /);
    expect(debug.stderr).toContain('Caused by: ');
  });
});
