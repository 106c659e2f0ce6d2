import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { klogBin, runKlog } from '../../helpers/cli-process.js';
import { testS3Target } from '../../helpers/s3-test-store.js';

interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `klog broker start` and waits for the URL it prints. */
function startBroker(args: string[], env: NodeJS.ProcessEnv): Promise<RunningCli> {
  const child = spawn(process.execPath, [klogBin, 'broker', 'start', '--port', '0', ...args], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', KLOG_LOG_LEVEL: 'info', ...env },
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) resolve({ child, url: match[1], stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`klog broker start exited with ${code}: ${stderr}`)));
  });
}

describe('klog broker start', () => {
  const target = testS3Target('broker-start');
  let running: RunningCli | undefined;

  afterEach(() => {
    running?.child.kill('SIGKILL');
    running = undefined;
  });

  it('serves health, JSON produce and fetch over HTTP, logs requests, and stops cleanly on SIGTERM', async () => {
    running = await startBroker(['--url', target.url, '--token', 'tok'], target.env);
    const { url } = running;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const auth = { authorization: 'Bearer tok' };

    expect(await (await fetch(`${url}/v1/health`)).json()).toEqual({ status: 'ok', api: 'v1' });
    expect((await fetch(`${url}/v1/topics`)).status).toBe(401);

    const created = await fetch(`${url}/v1/topics`, { method: 'POST', headers: auth, body: '{"name":"orders"}' });
    expect(created.status).toBe(201);
    // As `curl -d` sends it: form-urlencoded content type, JSON body.
    const produced = await fetch(`${url}/v1/topics/orders/partitions/0/records`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ records: [{ key: 'k', value: 'hello' }, { value: 'world' }] }),
    });
    expect(await produced.json()).toEqual({ baseOffset: '0', lastOffset: '1', duplicate: false });

    const fetched = await fetch(`${url}/v1/topics/orders/partitions/0/records?offset=0`, { headers: auth });
    expect(fetched.headers.get('klog-next-offset')).toBe('2');
    const body = (await fetched.json()) as { records: { value: string }[] };
    expect(body.records.map((record) => record.value)).toEqual(['hello', 'world']);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const lines = running
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(
      lines.some((line) => line.route === '/v1/topics/{topic}/partitions/{partition}/records' && line.status === 200),
    ).toBe(true);
    expect(running.stderr()).not.toContain('tok"');
    expect(running.stderr()).not.toContain('hello');
  });

  it('refuses a non-loopback host without a token', async () => {
    const result = await runKlog(['broker', 'start', '--host', '0.0.0.0', '--url', target.url], {
      env: { ...target.env, KLOG_BROKER_TOKEN: '' },
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('without a token');
  });
});
