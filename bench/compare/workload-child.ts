/**
 * One workload in a process of its own, so that its peak RSS and CPU are its own and one system's garbage does
 * not slow the next. Started by run-workload.ts as `node workload-child.js '<json of WorkloadSpec>'`; it prints
 * one line `RESULT <json>` with the workload's result and the process's peak RSS, and exits.
 */
import { RESULT_PREFIX, type WorkloadSpec } from './run-workload.js';
import { openSystem } from './systems.js';
import { consume, latency, produce } from './workloads.js';

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as WorkloadSpec;
  const system = openSystem(spec.target);
  try {
    const result =
      spec.job.role === 'produce'
        ? await produce(system, spec.job)
        : spec.job.role === 'consume'
          ? await consume(system, spec.job)
          : await latency(system, spec.job);
    // maxRSS is in KiB.
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, peakRssMiB })}\n`);
  } finally {
    await system.close();
  }
}

main().then(
  // Clients may leave timers behind (kafkajs's reconnects); the result is out, so end here.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
