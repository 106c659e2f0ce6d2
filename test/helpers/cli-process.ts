/**
 * Runs the real `klog` binary (bin/run.js, which loads the built commands from dist/) in a child process, with
 * pipes in and out, as users run it. `npm test` builds first, so dist/ is current.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const klogBin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface KlogRun {
  stdout: string;
  stderr: string;
  /** The exit code; null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KlogRunOptions {
  /** Written to stdin, which is then closed. Without it stdin is closed at once. */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Kills the process (SIGKILL) after this long; the test then sees `signal`. */
  timeoutMs?: number;
}

export function runKlog(args: readonly string[], options: KlogRunOptions = {}): Promise<KlogRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [klogBin, ...args], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal });
    });
    child.stdin.end(options.input ?? '');
  });
}
