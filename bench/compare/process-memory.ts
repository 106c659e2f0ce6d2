/** The peak resident set (VmHWM) of another process, read from /proc: for the brokers the benchmark starts. */
import { readFileSync } from 'node:fs';

/** In MiB; null where /proc is missing (not Linux) or the process is gone. */
export function peakRssMiB(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? null : Math.round(Number(match[1]) / 1024);
  } catch {
    return null;
  }
}
