/**
 * Runs one workload in a child process (workload-child.ts) and returns its result. The child inherits this
 * process's environment (the S3 endpoint and credentials for klog) and, with `cpuProfileDir`, writes a V8 CPU
 * profile there (`node --cpu-prof`) for finding hot spots.
 */
import { spawn } from 'node:child_process';
import type { SystemTarget } from './systems.js';
import type { Job } from './workloads.js';

export interface WorkloadSpec {
  target: SystemTarget;
  job: Job;
}

export const RESULT_PREFIX = 'RESULT ';

const CHILD_PATH = new URL('./workload-child.js', import.meta.url).pathname;
const CHILD_TIMEOUT_MS = 5 * 60 * 1000;

export interface RunOptions {
  cpuProfileDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** The child's result: the workload's own fields and `peakRssMiB`. */
export async function runWorkload<T>(
  spec: WorkloadSpec,
  options: RunOptions = {},
): Promise<T & { peakRssMiB: number }> {
  const flags = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
  const child = spawn(process.execPath, [...flags, CHILD_PATH, JSON.stringify(spec)], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  const line = stdout.split('\n').find((text) => text.startsWith(RESULT_PREFIX));
  if (code !== 0 || line === undefined) {
    throw new Error(
      `The ${spec.job.role} workload on ${spec.target.system} failed (exit code ${code}). Its output:\n${stderr || stdout}`,
    );
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T & { peakRssMiB: number };
}
