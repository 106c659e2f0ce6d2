/**
 * Turns the comparison's measurements into rows of figures and ratios (klog against the raw object store and
 * against Kafka), checks the targets of issue 8, and prints both as plain-text tables.
 */
import type { ApiRequestCounts } from './minio-requests.js';
import type { RawResult } from './raw-store.js';
import { round } from './stats.js';
import type { ConsumeResult, LatencyResult, ProduceResult } from './workloads.js';

type WithRss<T> = T & { peakRssMiB: number };

export interface SizeRun {
  recordBytes: number;
  produce: WithRss<ProduceResult>;
  consume: WithRss<ConsumeResult> | null;
  /** S3 requests MinIO served during the produce and the consume runs, by API; null for Kafka. */
  storeRequests: { produce: ApiRequestCounts | null; consume: ApiRequestCounts | null };
}

/** One system's figures, or why it has none. */
export interface SystemRun {
  name: string;
  /** How the client was set up, in words, for the JSON and the docs. */
  setup: string;
  missing?: string;
  sizes: SizeRun[];
  /** One latency run per klog `lingerMs`; Kafka's client has no linger, so it has one run, under lingerMs 0. */
  latencies: WithRss<LatencyResult & { lingerMs: number }>[];
  /** The server process's peak RSS (the broker's), where there is one. */
  serverPeakRssMiB: number | null;
}

export interface Row {
  metric: string;
  /** By system name; null where not measured. */
  values: Record<string, number | null>;
  /** klog direct over the raw store's figure in `rawBasis`, where one applies. */
  klogOverRaw: number | null;
  rawBasis?: string;
  /** klog direct over Kafka's best figure of the row (the highest, or for latency and memory the lowest). */
  klogOverKafka: number | null;
}

export interface Target {
  target: string;
  met: boolean | null;
  detail: string;
}

/** The raw figure klog is held against: 1 MiB objects (klog's batch size), 4 in flight (klog's 4 partitions). */
export const RAW_BASIS = { objectBytes: 1024 * 1024, inFlight: 4 };

export function rawFigure(raw: RawResult[], operation: 'put' | 'get'): RawResult | undefined {
  return raw.find(
    (result) =>
      result.client === 'signed' &&
      result.operation === operation &&
      result.objectBytes === RAW_BASIS.objectBytes &&
      result.inFlight === RAW_BASIS.inFlight,
  );
}

function sizeLabel(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

function ratio(value: number | null | undefined, basis: number | null | undefined): number | null {
  if (value === null || value === undefined || basis === null || basis === undefined || basis === 0) return null;
  return round(value / basis, 2);
}

interface RowSpec {
  metric: string;
  pick: (run: SystemRun) => number | null | undefined;
  lowerIsBetter?: boolean;
  /** A figure that is no better or worse by itself (CPU), or that Kafka has no counterpart of (store requests). */
  noKafkaRatio?: boolean;
  raw?: { operation: 'put' | 'get'; field: 'megabytesPerSecond' };
}

function perMegabyte(requests: ApiRequestCounts | null, megabytes: number): number | null {
  if (requests === null) return null;
  const total = Object.values(requests).reduce((sum, count) => sum + count, 0);
  return round(total / megabytes, 2);
}

/** A system's latency run for klog's `lingerMs`: Kafka's single run stands for every linger. */
function latencyFor(run: SystemRun, lingerMs: number) {
  return (
    run.latencies.find((entry) => entry.lingerMs === lingerMs) ?? run.latencies.find((entry) => entry.lingerMs === 0)
  );
}

function rowSpecs(recordSizes: number[], lingers: number[]): RowSpec[] {
  const specs: RowSpec[] = [];
  const size = (run: SystemRun, bytes: number) => run.sizes.find((entry) => entry.recordBytes === bytes);
  for (const bytes of recordSizes) {
    const label = sizeLabel(bytes);
    specs.push(
      { metric: `producer records/s, ${label}`, pick: (run) => size(run, bytes)?.produce.recordsPerSecond },
      {
        metric: `producer MB/s, ${label}`,
        pick: (run) => size(run, bytes)?.produce.megabytesPerSecond,
        raw: { operation: 'put', field: 'megabytesPerSecond' },
      },
      {
        metric: `producer CPU % of a core, ${label}`,
        pick: (run) => size(run, bytes)?.produce.cpuPercent,
        noKafkaRatio: true,
      },
      {
        metric: `producer peak RSS MiB, ${label}`,
        pick: (run) => size(run, bytes)?.produce.peakRssMiB,
        lowerIsBetter: true,
      },
      { metric: `consumer records/s, ${label}`, pick: (run) => size(run, bytes)?.consume?.recordsPerSecond },
      {
        metric: `consumer MB/s, ${label}`,
        pick: (run) => size(run, bytes)?.consume?.megabytesPerSecond,
        raw: { operation: 'get', field: 'megabytesPerSecond' },
      },
      {
        metric: `store requests per MB written, ${label}`,
        pick: (run) => {
          const entry = size(run, bytes);
          return entry && perMegabyte(entry.storeRequests.produce, (entry.produce.records * bytes) / 1e6);
        },
        noKafkaRatio: true,
      },
      {
        metric: `store requests per MB read, ${label}`,
        pick: (run) => {
          const entry = size(run, bytes);
          return entry?.consume && perMegabyte(entry.storeRequests.consume, (entry.consume.records * bytes) / 1e6);
        },
        noKafkaRatio: true,
      },
    );
  }
  for (const lingerMs of lingers) {
    const quantiles = [
      ['p50', 'p50Ms'],
      ['p99', 'p99Ms'],
      ['p99.9', 'p999Ms'],
    ] as const;
    for (const [label, field] of quantiles) {
      specs.push({
        metric: `end-to-end latency ${label} ms, klog lingerMs ${lingerMs}`,
        pick: (run) => latencyFor(run, lingerMs)?.[field],
        lowerIsBetter: true,
      });
    }
  }
  specs.push({ metric: 'server peak RSS MiB', pick: (run) => run.serverPeakRssMiB, lowerIsBetter: true });
  return specs;
}

export function buildRows(runs: SystemRun[], raw: RawResult[], recordSizes: number[], lingers: number[]): Row[] {
  const klog = runs.find((run) => run.name === 'klog direct');
  const kafkaRuns = runs.filter((run) => run.name.startsWith('Kafka'));
  return rowSpecs(recordSizes, lingers).map((spec) => {
    const values: Record<string, number | null> = {};
    for (const run of runs) values[run.name] = run.missing === undefined ? (spec.pick(run) ?? null) : null;
    const klogValue = klog === undefined ? null : (values[klog.name] ?? null);
    const kafkaValues = kafkaRuns.map((run) => values[run.name]).filter((value): value is number => value != null);
    const kafkaBest =
      kafkaValues.length === 0 ? null : spec.lowerIsBetter ? Math.min(...kafkaValues) : Math.max(...kafkaValues);
    const rawResult = spec.raw && rawFigure(raw, spec.raw.operation);
    return {
      metric: spec.metric,
      values,
      klogOverRaw: rawResult ? ratio(klogValue, rawResult[spec.raw!.field]) : null,
      ...(rawResult
        ? {
            rawBasis: `signed ${spec.raw!.operation.toUpperCase()} ${rawResult.megabytesPerSecond} MB/s (1 MiB, 4 in flight)`,
          }
        : {}),
      klogOverKafka: spec.noKafkaRatio ? null : ratio(klogValue, kafkaBest),
    };
  });
}

export function checkTargets(rows: Row[], recordSizes: number[]): Target[] {
  const row = (metric: string) => rows.find((entry) => entry.metric === metric);
  const targets: Target[] = [];
  for (const bytes of recordSizes) {
    const label = sizeLabel(bytes);
    const mb = row(`producer MB/s, ${label}`);
    targets.push({
      target: `klog producer MB/s >= 70% of the minimal signed PUT MB/s (${label} records)`,
      met: mb?.klogOverRaw == null ? null : mb.klogOverRaw >= 0.7,
      detail: `${mb?.klogOverRaw ?? 'n/a'} of ${mb?.rawBasis ?? 'n/a'}`,
    });
    for (const side of ['producer', 'consumer'] as const) {
      const records = row(`${side} records/s, ${label}`);
      targets.push({
        target: `klog direct ${side} records/s >= kafkajs->Kafka (${label} records)`,
        met: records?.klogOverKafka == null ? null : records.klogOverKafka >= 1,
        detail: `klog/Kafka ${records?.klogOverKafka ?? 'n/a'}`,
      });
    }
  }
  return targets;
}

function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(value);
}

function printGrid(header: string[], rows: string[][], rightAligned: (column: number) => boolean): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (rightAligned(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ');
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

export function printComparison(rows: Row[], runs: SystemRun[]): void {
  const names = runs.map((run) => run.name);
  printGrid(
    ['metric', ...names, 'klog/raw', 'klog/Kafka'],
    rows.map((row) => [
      row.metric,
      ...names.map((name) => formatNumber(row.values[name])),
      formatNumber(row.klogOverRaw),
      formatNumber(row.klogOverKafka),
    ]),
    (column) => column > 0,
  );
  for (const run of runs) if (run.missing !== undefined) console.log(`${run.name}: not measured: ${run.missing}`);
}

export function printRaw(raw: RawResult[]): void {
  printGrid(
    ['object', 'in flight', 'op', 'client', 'requests/s', 'MB/s', 'CPU ms/req', 'p50 ms', 'p99 ms'],
    raw.map((result) => [
      sizeLabel(result.objectBytes),
      String(result.inFlight),
      result.operation.toUpperCase(),
      result.client,
      formatNumber(result.requestsPerSecond),
      formatNumber(result.megabytesPerSecond),
      formatNumber(result.cpuMsPerRequest),
      formatNumber(result.p50Ms),
      formatNumber(result.p99Ms),
    ]),
    (column) => column === 1 || column > 3,
  );
}

export function printTargets(targets: Target[]): void {
  for (const target of targets) {
    const verdict = target.met === null ? 'not measured' : target.met ? 'met' : 'MISSED';
    console.log(`${verdict.padEnd(12)} ${target.target}: ${target.detail}`);
  }
}
