/**
 * Runs test/helpers/append-worker.ts as a separate OS process and reads its JSON-line reports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AppendWorkerConfig } from './append-worker.js';
import { bundleForChild } from './compile-for-child.js';
import type { Ack } from './log-invariants.js';

export type WorkerEvent =
  | ({ type: 'ack' } & Ack)
  | { type: 'paused'; key: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'done' };

export interface WorkerProcess {
  child: ChildProcess;
  events: WorkerEvent[];
  /** Resolves with the first event of this type (also one that already arrived). */
  next(type: WorkerEvent['type']): Promise<WorkerEvent>;
  /** Resolves when the process exits; rejects when it exits non-zero, with its stderr. */
  exited: Promise<void>;
}

const workerEntry = fileURLToPath(new URL('./append-worker.ts', import.meta.url));

export async function startAppendWorker(
  config: AppendWorkerConfig,
  env: NodeJS.ProcessEnv = {},
): Promise<WorkerProcess> {
  const script = await bundleForChild(workerEntry);
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, KLOG_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  const waiters: { type: WorkerEvent['type']; resolve: (event: WorkerEvent) => void }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as WorkerEvent;
    events.push(event);
    for (const waiter of waiters.filter((candidate) => candidate.type === event.type)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`worker ${config.name} exited with ${code ?? signal}: ${stderr}`));
    });
  });
  return {
    child,
    events,
    exited,
    next(type) {
      const seen = events.find((event) => event.type === type);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
}

export function acksOf(worker: WorkerProcess): Ack[] {
  return worker.events.flatMap((event) => (event.type === 'ack' ? [event] : []));
}
