/**
 * `klog broker start` in a child process, as users run it (bin/run.js, which loads the built commands from dist/):
 * for the broker benchmark and the remote-mode integration tests. It listens on 127.0.0.1 and a free port, and
 * resolves once the broker printed the URL it listens on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// From bench/ under the test runner, or from dist/bench/ when built.
const klogBin = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../bin/run.js' : '../bin/run.js', import.meta.url),
);

export interface BrokerProcess {
  url: string;
  child: ChildProcess;
  /** What the broker wrote on stderr (one JSON line per request), for failure messages. */
  stderr(): string;
  /** Stops it with SIGTERM (it finishes requests in flight) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface BrokerProcessOptions {
  /** The store the broker serves: `s3://bucket/prefix`, `file:///dir`. */
  storeUrl: string;
  /** Added to this process's environment (S3 endpoint and credentials). */
  env?: NodeJS.ProcessEnv;
  token?: string;
  /** The broker's request log level; default `warn`, so that stderr holds only problems. */
  logLevel?: string;
  startTimeoutMs?: number;
}

export function startBrokerProcess(options: BrokerProcessOptions): Promise<BrokerProcess> {
  const args = [klogBin, 'broker', 'start', '--url', options.storeUrl, '--port', '0'];
  if (options.token !== undefined) args.push('--token', options.token);
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      KLOG_LOG_LEVEL: options.logLevel ?? 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`klog broker start printed no URL within the time limit: ${stdout} ${stderr}`));
    }, options.startTimeoutMs ?? 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`klog broker start exited with ${code ?? signal}: ${stdout} ${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({
        url,
        child,
        stderr: () => stderr,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
