import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs on the memory and filesystem stores and is fast; `integration` runs against a
// real MinIO (or KLOG_TEST_S3_ENDPOINT) that the global setup starts and stops.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/minio-global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
