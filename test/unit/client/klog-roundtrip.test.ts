import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Klog } from '../../../sdk/client/klog.js';
import { fullShape, sdkRoundTrip } from '../../helpers/sdk-roundtrip-scenario.js';

describe('Klog round trip: 10 topics x 4 partitions, 100,000 records', () => {
  it('on the memory store', async () => {
    const klog = new Klog({ url: 'memory://' });
    await sdkRoundTrip(klog, fullShape, 'mem');
    expect(klog.counters()).toMatchObject({ recordsSent: 100_000, recordsReceived: 100_000 });
    await klog.close();
  });

  it('on the filesystem store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'klog-roundtrip-'));
    const klog = new Klog({ url: pathToFileURL(dir).href });
    try {
      await sdkRoundTrip(klog, fullShape, 'fs');
      const counters = klog.counters();
      expect(counters.recordsReceived).toBe(100_000);
      expect(counters.bytesSent).toBe(counters.bytesReceived);
    } finally {
      await klog.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
