/**
 * Starts real OS processes from TypeScript entry files (compiled by compile-for-child.ts) and talks to them
 * over Node's IPC channel, for tests that race several processes against one store.
 *
 * Child side: send JSON-serialisable messages with `process.send`, receive with `process.on('message')`, exit
 * when done, and exit on `process.on('disconnect')` too, so that a child never outlives its test process.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { bundleForChild } from './compile-for-child.js';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface ChildWorker<Message> {
  readonly process: ChildProcess;
  /** Every message received so far, in order. */
  readonly messages: readonly Message[];
  /** The first message (received before or after the call) for which `match` holds. Rejects if the child exits first. */
  waitFor(match: (message: Message) => boolean): Promise<Message>;
  send(message: unknown): void;
  /** Resolves when the process has exited, with its stderr for failure messages. */
  readonly exited: Promise<ChildExit>;
}

const running = new Set<ChildProcess>();

/**
 * Kills (SIGKILL) every child started by this test file that is still running. Call it in `afterEach`, so a
 * failing or timed-out test does not leave processes behind.
 */
export function killRunningChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Forks `node <compiled entryTs> ...args` with an IPC channel; stdout is inherited, stderr collected. `env` is
 * added to this process's environment (S3 endpoints and credentials for children that open an s3:// URL).
 */
export async function startChild<Message>(
  entryTs: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ChildWorker<Message>> {
  const script = await bundleForChild(entryTs);
  // An explicit execArgv keeps the test runner's own Node flags out of the child.
  const child = fork(script, [...args], {
    env: { ...process.env, ...env },
    execArgv: ['--enable-source-maps'],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const messages: Message[] = [];
  const waiters = new Set<{ match: (message: Message) => boolean; resolve: (message: Message) => void }>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.on('message', (message) => {
    messages.push(message as Message);
    for (const waiter of waiters) {
      if (waiter.match(message as Message)) {
        waiters.delete(waiter);
        waiter.resolve(message as Message);
      }
    }
  });
  const exited = new Promise<ChildExit>((resolve) => {
    child.on('exit', (code, signal) => {
      // stderr may still hold buffered data; wait for it to close before reporting.
      if (child.stderr === null || child.stderr.closed) resolve({ code, signal, stderr });
      else child.stderr.once('close', () => resolve({ code, signal, stderr }));
    });
  });
  return {
    process: child,
    messages,
    send: (message) => child.send(message as never),
    exited,
    waitFor(match) {
      const earlier = messages.find(match);
      if (earlier !== undefined) return Promise.resolve(earlier);
      return new Promise<Message>((resolve, reject) => {
        waiters.add({ match, resolve });
        exited.then((exit) => {
          const received = messages.find(match);
          if (received !== undefined) resolve(received);
          else
            reject(
              new Error(`Child ${entryTs} exited (${exit.code ?? exit.signal}) first. Its stderr:\n${exit.stderr}`),
            );
        });
      });
    },
  };
}
