import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Klog } from '../../../sdk/client/klog.js';
import { openTestS3Store } from '../../helpers/s3-test-store.js';
import { fullShape, sdkRoundTrip } from '../../helpers/sdk-roundtrip-scenario.js';

describe('Klog round trip on MinIO', () => {
  it('sends 100,000 records to 10 topics x 4 partitions and reads them back byte-identical, in order', async () => {
    const klog = new Klog({ store: openTestS3Store(`roundtrip-${randomUUID()}`) });
    await sdkRoundTrip(klog, fullShape, 'minio');
    const counters = klog.counters();
    expect(counters.recordsReceived).toBe(100_000);
    // Batching: far fewer PUTs than records (one segment per partition per flush).
    expect(counters.requests.put).toBeLessThan(2_000);
    await klog.close();
  });
});
