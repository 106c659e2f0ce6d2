import { describe, expect, it } from 'vitest';
import { requestsBetween } from '../../../../bench/compare/minio-requests.js';
import type { RawResult } from '../../../../bench/compare/raw-store.js';
import { buildRows, checkTargets, type SystemRun } from '../../../../bench/compare/report.js';

function raw(operation: 'put' | 'get', megabytesPerSecond: number): RawResult {
  return {
    client: 'signed',
    operation,
    objectBytes: 1024 * 1024,
    inFlight: 4,
    requests: 100,
    requestsPerSecond: megabytesPerSecond,
    megabytesPerSecond,
    cpuMsPerRequest: 1,
    p50Ms: 1,
    p99Ms: 2,
  };
}

function system(name: string, producerRecordsPerSecond: number, consumerRecordsPerSecond: number | null): SystemRun {
  const recordBytes = 1024;
  return {
    name,
    setup: '',
    sizes: [
      {
        recordBytes,
        produce: {
          records: 1000,
          seconds: 1,
          recordsPerSecond: producerRecordsPerSecond,
          megabytesPerSecond: (producerRecordsPerSecond * recordBytes) / 1e6,
          cpuPercent: 50,
          requests: null,
          peakRssMiB: 100,
        },
        consume:
          consumerRecordsPerSecond === null
            ? null
            : {
                records: 1000,
                seconds: 1,
                joinMs: 0,
                firstRecordMs: 1,
                recordsPerSecond: consumerRecordsPerSecond,
                megabytesPerSecond: (consumerRecordsPerSecond * recordBytes) / 1e6,
                requests: null,
                peakRssMiB: 100,
              },
        storeRequests: { produce: { PutObject: 2, GetObject: 2 }, consume: null },
      },
    ],
    latencies: [
      {
        lingerMs: name.startsWith('Kafka') ? 0 : 5,
        records: 10,
        p50Ms: 10,
        p99Ms: 20,
        p999Ms: 30,
        maxMs: 30,
        peakRssMiB: 1,
      },
    ],
    serverPeakRssMiB: null,
  };
}

describe('the comparison report', () => {
  const runs = [
    system('klog direct', 100_000, 50_000),
    system('Kafka idempotent', 40_000, 100_000),
    system('Kafka acks=all', 80_000, null),
  ];
  const rows = buildRows(runs, [raw('put', 200), raw('get', 400)], [1024], [5]);
  const row = (metric: string) => rows.find((entry) => entry.metric === metric)!;

  it('divides klog by the best Kafka figure of a row', () => {
    expect(row('producer records/s, 1 KiB').klogOverKafka).toBe(1.25);
    expect(row('consumer records/s, 1 KiB').klogOverKafka).toBe(0.5);
  });

  it('divides klog MB/s by the signed PUT and GET of 1 MiB objects with 4 in flight', () => {
    expect(row('producer MB/s, 1 KiB').klogOverRaw).toBe(0.51);
    expect(row('consumer MB/s, 1 KiB').klogOverRaw).toBe(0.13);
  });

  it('counts store requests per MB of payload and gives them no Kafka ratio', () => {
    const requests = row('store requests per MB written, 1 KiB');
    expect(requests.values['klog direct']).toBe(3.91);
    expect(requests.klogOverKafka).toBeNull();
  });

  it('uses Kafka’s one latency run for every klog linger', () => {
    expect(row('end-to-end latency p50 ms, klog lingerMs 5').values['Kafka acks=all']).toBe(10);
  });

  it('checks the issue’s targets', () => {
    const targets = checkTargets(rows, [1024]);
    expect(targets.map((target) => target.met)).toEqual([false, true, false]);
  });
});

describe('requestsBetween', () => {
  it('keeps the APIs that served requests between two snapshots', () => {
    expect(requestsBetween({ PutObject: 3, GetObject: 5 }, { PutObject: 7, GetObject: 5, ListObjectsV2: 1 })).toEqual({
      PutObject: 4,
      ListObjectsV2: 1,
    });
  });
});
