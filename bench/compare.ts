/**
 * klog side by side with the raw object store and with Apache Kafka, in one run on this machine (issue 8):
 *
 *   1. the raw store: PutObject and GetObject against a throwaway MinIO, stock S3 client and minimal SigV4;
 *   2. klog direct to MinIO, and through `klog broker start` over the same MinIO;
 *   3. a single-node KRaft Kafka from Maven Central jars (bench/kafka/) with kafkajs as the client.
 *
 * The same workloads run against klog and Kafka (bench/compare/workloads.ts), each in a child process of its
 * own. It prints the raw table, then the comparison with klog/raw and klog/Kafka ratios and the issue's targets,
 * and writes everything to bench/results/latest.json (kept in the repository so a regression shows in review).
 * A script, not a test, and not part of CI:
 *
 *   npm run bench:compare -- [--quick] [--only raw,klog,broker,kafka] [--records 1000000] [--records-1k 1000000]
 *                            [--raw-seconds 3] [--latency-seconds 10] [--cpu-prof DIR] [--output FILE] [--no-save]
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchMinio, startBenchMinio } from './bench-minio.js';
import { startKlogBroker } from './compare/klog-broker.js';
import { type ApiRequestCounts, minioRequestCounts, requestsBetween } from './compare/minio-requests.js';
import { peakRssMiB } from './compare/process-memory.js';
import { measureRawStore, type RawResult } from './compare/raw-store.js';
import { buildRows, checkTargets, printComparison, printRaw, printTargets, type SystemRun } from './compare/report.js';
import { runWorkload } from './compare/run-workload.js';
import type { SystemTarget } from './compare/systems.js';
import type { ConsumeResult, LatencyResult, ProduceResult } from './compare/workloads.js';
import { type KafkaBroker, startKafkaBroker } from './kafka/kafka-broker.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'raw,klog,broker,kafka' },
    records: { type: 'string' },
    'records-1k': { type: 'string' },
    'raw-seconds': { type: 'string' },
    'latency-seconds': { type: 'string' },
    partitions: { type: 'string', default: '4' },
    'cpu-prof': { type: 'string' },
    output: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
  },
});

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const only = new Set(args.only.split(','));
const settings = {
  partitions: Number(args.partitions),
  recordSizes: [100, 1024],
  records: {
    100: Number(args.records ?? (args.quick ? 200_000 : 1_000_000)),
    1024: Number(args['records-1k'] ?? (args.quick ? 100_000 : 1_000_000)),
  } as Record<number, number>,
  rawSeconds: Number(args['raw-seconds'] ?? (args.quick ? 1 : 3)),
  rawObjectSizes: [64 * 1024, 1024 * 1024, 8 * 1024 * 1024],
  rawInFlight: [1, 4],
  latencySeconds: Number(args['latency-seconds'] ?? (args.quick ? 3 : 10)),
  /** klog's lingerMs for throughput (as bench/sdk-throughput.ts), and one latency run for each of the others. */
  lingerMs: 20,
  latencyLingerMs: [5, 100],
};
const outputPath = args.output ?? `${REPO}bench/results/latest.json`;

/**
 * How each client is fed: `send` calls of this many records, this many awaited at once. klog re-batches sends
 * by partition (`lingerMs`, `batchMaxBytes`), so it gets bench/sdk-throughput.ts's 10,000 records per send with
 * 16 in flight (its `bufferMaxBytes` bounds what is buffered). kafkajs turns each send into one request per
 * broker with one batch per partition: of the shapes tried (about 256 KiB, 1 MiB and 4 MiB per send, 4 or 16 in
 * flight), about 256 KiB with 16 in flight was its fastest, idempotent or not.
 */
function sendShape(system: SystemTarget['system'], recordBytes: number) {
  if (system === 'klog') return { recordsPerSend: 10_000, sendsInFlight: 16 };
  return { recordsPerSend: Math.floor((256 * 1024) / recordBytes), sendsInFlight: 16 };
}

function progress(text: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

/** Produce, then consume, each record size, then the latency run: one system, each step in its own process. */
async function runSystem(
  name: string,
  setup: string,
  target: SystemTarget,
  env: NodeJS.ProcessEnv,
  steps: { consume: boolean; latency: boolean },
  storeEndpoint: string | null,
): Promise<SystemRun> {
  /** Runs `work`, with the S3 requests MinIO served meanwhile (null for Kafka, which has no object store). */
  const counted = async <T>(work: () => Promise<T>): Promise<[T, ApiRequestCounts | null]> => {
    if (storeEndpoint === null) return [await work(), null];
    const before = await minioRequestCounts(storeEndpoint);
    const result = await work();
    return [result, requestsBetween(before, await minioRequestCounts(storeEndpoint))];
  };
  const run: SystemRun = { name, setup, sizes: [], latencies: [], serverPeakRssMiB: null };
  const cpuProfileDir = args['cpu-prof'] === undefined ? undefined : `${args['cpu-prof']}/${name.replace(/\W+/g, '-')}`;
  const options = { env, ...(cpuProfileDir === undefined ? {} : { cpuProfileDir }) };
  const tag = `${name.replace(/\W+/g, '-').toLowerCase()}-${randomUUID().slice(0, 8)}`;
  for (const recordBytes of settings.recordSizes) {
    const topic = `${tag}-${recordBytes}`;
    const records = settings.records[recordBytes]!;
    progress(`${name}: producing ${records.toLocaleString('en-US')} records of ${recordBytes} B`);
    const [produce, produceRequests] = await counted(() =>
      runWorkload<ProduceResult>(
        {
          target,
          job: {
            role: 'produce',
            topic,
            partitions: settings.partitions,
            records,
            recordBytes,
            ...sendShape(target.system, recordBytes),
            lingerMs: settings.lingerMs,
          },
        },
        options,
      ),
    );
    let consume: (ConsumeResult & { peakRssMiB: number }) | null = null;
    let consumeRequests: ApiRequestCounts | null = null;
    if (steps.consume) {
      progress(`${name}: consuming them`);
      [consume, consumeRequests] = await counted(() =>
        runWorkload<ConsumeResult>({ target, job: { role: 'consume', topic, records, recordBytes } }, options),
      );
    }
    run.sizes.push({
      recordBytes,
      produce,
      consume,
      storeRequests: { produce: produceRequests, consume: consumeRequests },
    });
  }
  // kafkajs has no linger: Kafka gets one latency run, recorded under lingerMs 0.
  const lingers = target.system === 'klog' ? settings.latencyLingerMs : [0];
  for (const lingerMs of steps.latency ? lingers : []) {
    progress(
      `${name}: end-to-end latency for ${settings.latencySeconds} s${lingerMs > 0 ? `, lingerMs ${lingerMs}` : ''}`,
    );
    const latency = await runWorkload<LatencyResult>(
      {
        target,
        job: { role: 'latency', topic: `${tag}-latency-${lingerMs}`, seconds: settings.latencySeconds, lingerMs },
      },
      options,
    );
    run.latencies.push({ ...latency, lingerMs });
  }
  return run;
}

function missing(name: string, setup: string, reason: string): SystemRun {
  progress(`${name}: not measured: ${reason}`);
  return { name, setup, missing: reason, sizes: [], latencies: [], serverPeakRssMiB: null };
}

function storeEnv(minio: BenchMinio): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KLOG_URL: `s3://${minio.bucket}/compare-${randomUUID().slice(0, 8)}`,
    AWS_ENDPOINT_URL_S3: minio.endpoint,
    AWS_ACCESS_KEY_ID: minio.accessKeyId,
    AWS_SECRET_ACCESS_KEY: minio.secretAccessKey,
    AWS_REGION: minio.region,
  };
}

async function klogRuns(minio: BenchMinio): Promise<SystemRun[]> {
  const runs: SystemRun[] = [];
  const steps = { consume: true, latency: true };
  const setup =
    `10,000 records per send, 16 sends in flight, lingerMs ${settings.lingerMs} (latency runs: ${settings.latencyLingerMs.join(' and ')}), ` +
    'batchMaxBytes 1 MiB, no compression; consumer group, 8 MiB per partition';
  if (only.has('klog')) {
    const env = storeEnv(minio);
    runs.push(
      await runSystem('klog direct', setup, { system: 'klog', url: env.KLOG_URL! }, env, steps, minio.endpoint),
    );
  }
  if (only.has('broker')) {
    const env = storeEnv(minio);
    const broker = await startKlogBroker(env.KLOG_URL!, env);
    if (typeof broker === 'string') {
      runs.push(missing('klog broker', setup, broker));
    } else {
      try {
        const target: SystemTarget = { system: 'klog', url: broker.url };
        const run = await runSystem('klog broker', setup, target, env, steps, minio.endpoint);
        run.serverPeakRssMiB = peakRssMiB(broker.pid);
        runs.push(run);
      } catch (error) {
        runs.push(missing('klog broker', setup, error instanceof Error ? error.message : String(error)));
      } finally {
        await broker.stop();
      }
    }
  }
  return runs;
}

async function kafkaRuns(): Promise<{ runs: SystemRun[]; version: string | null }> {
  if (!only.has('kafka')) return { runs: [], version: null };
  progress('Kafka: starting the broker');
  let broker: KafkaBroker;
  try {
    broker = await startKafkaBroker({ defaultPartitions: settings.partitions });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { runs: [missing('Kafka idempotent', '', reason), missing('Kafka acks=all', '', reason)], version: null };
  }
  try {
    const brokers = [broker.bootstrap];
    const idempotent = await runSystem(
      'Kafka idempotent',
      'kafkajs idempotent, acks=-1, maxInFlightRequests 1 (kafkajs requires it when idempotent), about 256 KiB ' +
        'per send with 16 sends in flight, no compression; consumer group, 8 MiB per partition, 4 partitions at once',
      { system: 'kafka', brokers, idempotent: true, maxInFlightRequests: 1 },
      process.env,
      { consume: true, latency: false },
      null,
    );
    const plain = await runSystem(
      'Kafka acks=all',
      'kafkajs acks=-1, not idempotent, requests in flight unlimited, about 256 KiB per send with 16 sends in ' +
        'flight, no compression',
      { system: 'kafka', brokers, idempotent: false, maxInFlightRequests: null },
      process.env,
      { consume: false, latency: true },
      null,
    );
    const serverPeak = peakRssMiB(broker.pid);
    idempotent.serverPeakRssMiB = serverPeak;
    plain.serverPeakRssMiB = serverPeak;
    return { runs: [idempotent, plain], version: broker.version };
  } finally {
    progress('Kafka: stopping the broker');
    await broker.stop();
  }
}

function commandLine(command: string, commandArgs: string[]): string | null {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8' });
  if (result.status !== 0) return null;
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim() ?? null;
}

function packageVersion(path: string): string {
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  // Other work on the machine moves every figure: sample the 1-minute load through the run, for the JSON.
  const loadSamples: number[] = [];
  const loadSampler = setInterval(() => loadSamples.push(Number(loadavg()[0]!.toFixed(2))), 10_000);
  loadSampler.unref();
  const startedAt = new Date();
  // MinIO's request counters (compare/minio-requests.ts) are read without a token.
  process.env.MINIO_PROMETHEUS_AUTH_TYPE = 'public';
  const minio = await startBenchMinio();
  const interrupted = () => {
    void minio.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  let raw: RawResult[] = [];
  const runs: SystemRun[] = [];
  let kafkaVersion: string | null = null;
  try {
    if (only.has('raw')) {
      progress('raw object store: PUT and GET');
      raw = await measureRawStore(
        minio,
        {
          objectSizes: settings.rawObjectSizes,
          inFlight: settings.rawInFlight,
          secondsPerCase: settings.rawSeconds,
          maxRequestsPerCase: 20_000,
        },
        () => process.stderr.write('.'),
      );
      process.stderr.write('\n');
    }
    runs.push(...(await klogRuns(minio)));
    const kafka = await kafkaRuns();
    runs.push(...kafka.runs);
    kafkaVersion = kafka.version;
  } finally {
    process.off('SIGINT', interrupted);
    await minio.stop();
  }

  const rows = buildRows(runs, raw, settings.recordSizes, settings.latencyLingerMs);
  const targets = checkTargets(rows, settings.recordSizes);
  clearInterval(loadSampler);
  const loadAfter = loadavg();
  if (raw.length > 0) {
    console.log(`\nRaw object store (MinIO on 127.0.0.1; MB = 10^6 bytes; ${settings.rawSeconds} s per case)\n`);
    printRaw(raw);
  }
  console.log('\nklog and Kafka (klog/raw and klog/Kafka use klog direct)\n');
  printComparison(rows, runs);
  console.log('\nTargets (issue 8)\n');
  printTargets(targets);
  console.log(
    `\nload average ${loadBefore.map((value) => value.toFixed(2)).join(' ')} before, ` +
      `${loadAfter.map((value) => value.toFixed(2)).join(' ')} after, ` +
      `1-minute load up to ${Math.max(0, ...loadSamples).toFixed(2)} during the run`,
  );

  if (!args['no-save']) {
    const minioScript = new URL('../../scripts/minio.mjs', import.meta.url).href;
    const { MINIO_VERSION } = (await import(minioScript)) as { MINIO_VERSION: string };
    const report = {
      date: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        kernel: release(),
        loadAverageBefore: loadBefore.map((value) => Number(value.toFixed(2))),
        loadAverageAfter: loadAfter.map((value) => Number(value.toFixed(2))),
        // The 1-minute load average every 10 s during the run.
        loadAverageDuring: loadSamples,
      },
      versions: {
        node: process.version,
        klog: packageVersion(`${REPO}package.json`),
        kafka: kafkaVersion,
        kafkajs: packageVersion(`${REPO}node_modules/kafkajs/package.json`),
        java: commandLine('java', ['-version']),
        minio: MINIO_VERSION,
      },
      settings,
      raw,
      systems: runs,
      comparison: rows,
      targets,
    };
    mkdirSync(dirname(outputPath), { recursive: true });
    writeFileSync(outputPath, `${JSON.stringify(report, null, 2)}\n`);
    // The file is committed: format it as `npm run lint` expects (Biome folds short arrays onto one line).
    const format = spawnSync(`${REPO}node_modules/.bin/biome`, ['format', '--write', outputPath], { encoding: 'utf8' });
    if (format.status !== 0) progress(`could not format ${outputPath} with Biome: ${format.stderr || format.error}`);
    progress(`wrote ${outputPath}`);
  }
}

await main();
