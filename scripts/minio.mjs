#!/usr/bin/env node
/**
 * A throwaway MinIO server for integration tests and benchmarks.
 *
 * Plain Node ESM on purpose: it runs before anything is compiled (vitest's global setup, `npm run minio`).
 *
 *   node scripts/minio.mjs install   builds (or finds) the pinned MinIO binary and prints its path
 *   node scripts/minio.mjs start     starts MinIO on a free port, prints the endpoint and credentials,
 *                                    and runs until Ctrl-C (which deletes its data)
 *
 * The binary comes from, in order: $KLOG_MINIO_BIN; the cache
 * `${XDG_CACHE_HOME:-$HOME/.cache}/klog/minio-<version>/minio`; else `go install` of the pinned version into
 * that cache. MinIO's community edition ships as source only, so Go (1.24+) is needed once per machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * The pinned MinIO: commit 7aac2a2c5b7c of 2026-02-12. It must be 2025-10-23 or later (minio#21550: before
 * it, an If-Match PUT on a missing key created the object). MinIO's tags are not semver, so Go names the
 * commit with this pseudo-version; the module proxy rejects the bare short hash.
 */
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
const MINIO_MODULE = 'github.com/minio/minio';

const HOW_TO_FIX =
  'Install Go 1.24 or newer (https://go.dev/dl/) so klog can build MinIO once, ' +
  'or set KLOG_TEST_S3_ENDPOINT (with KLOG_TEST_S3_ACCESS_KEY_ID, KLOG_TEST_S3_SECRET_ACCESS_KEY and ' +
  'optionally KLOG_TEST_S3_BUCKET, KLOG_TEST_S3_REGION) to use an existing S3-compatible endpoint, ' +
  'or set KLOG_MINIO_BIN to a MinIO server binary.';

const HEALTH_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_LINES_KEPT = 20;

/** The directory that holds the cached binary of the pinned version. */
export function minioCacheDir() {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'klog', `minio-${MINIO_VERSION}`);
}

/** Returns the path of a MinIO binary, building the pinned version with `go install` on first use. */
export async function ensureMinioBinary() {
  const fromEnv = process.env.KLOG_MINIO_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(`KLOG_MINIO_BIN is set to ${fromEnv}, but no file exists there. Fix the path or unset it.`);
    }
    return fromEnv;
  }
  const cacheDir = minioCacheDir();
  const cached = join(cacheDir, 'minio');
  if (existsSync(cached)) return cached;

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(`MinIO is built from source with Go, and "go" was not found on PATH. ${HOW_TO_FIX}`);
  }
  process.stderr.write(
    `Building MinIO ${MINIO_VERSION} with go install (first run only, takes a few minutes; cached in ${cacheDir})\n`,
  );
  // go install writes into a fresh directory next to the cache, and the binary is renamed into place only
  // when the build succeeded: an interrupted build never leaves a truncated binary that later runs would trust.
  mkdirSync(join(cacheDir, '..'), { recursive: true });
  const buildDir = mkdtempSync(`${cacheDir}.build-`);
  try {
    await runGoInstall(buildDir);
    mkdirSync(cacheDir, { recursive: true });
    renameSync(join(buildDir, 'minio'), cached);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
  return cached;
}

function runGoInstall(gobin) {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['install', `${MINIO_MODULE}@${MINIO_VERSION}`], {
      env: { ...process.env, GOBIN: gobin },
      // Go's progress goes to our stderr, so a slow first build shows what it is doing.
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.on('error', (error) => reject(new Error(`Could not run go install: ${error.message}. ${HOW_TO_FIX}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `go install ${MINIO_MODULE}@${MINIO_VERSION} failed (${signal ?? `exit code ${code}`}); its output is above. ${HOW_TO_FIX}`,
          ),
        );
    });
  });
}

/** Two distinct free TCP ports on 127.0.0.1, found by listening on port 0 (both held open until both are known). */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Keeps the last lines a child process printed, for error messages. */
function tailCollector(stream) {
  const lines = [];
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line.trim() !== ''));
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES_KEPT));
  });
  return () => [...lines, partial].filter((line) => line.trim() !== '').join('\n');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilLive(endpoint, child, output) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `MinIO exited (${child.signalCode ?? `exit code ${child.exitCode}`}) before it became ready. Its last output:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet: try again shortly.
    }
    await sleep(100);
  }
  throw new Error(
    `MinIO did not answer ${endpoint}/minio/health/live within ${HEALTH_TIMEOUT_MS} ms. Its last output:\n${output()}`,
  );
}

async function createBucket(connection) {
  const client = new S3Client({
    endpoint: connection.endpoint,
    region: connection.region,
    forcePathStyle: true,
    credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // MinIO answers /minio/health/live before it has initialised its drives, and 503 until it has.
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: connection.bucket }));
        return;
      } catch (error) {
        if (error?.$metadata?.httpStatusCode !== 503 || Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Starts MinIO on free ports of 127.0.0.1 with a fresh data directory, random root credentials and a bucket.
 * Resolves to `{ endpoint, accessKeyId, secretAccessKey, region, bucket, stop() }`; stop() ends the server
 * and deletes its data.
 */
export async function startMinio({ bucket = 'klog' } = {}) {
  const binary = await ensureMinioBinary();
  const [port, consolePort] = await freePorts(2);
  const dataDir = mkdtempSync(join(tmpdir(), 'klog-minio-'));
  const accessKeyId = `klog${randomBytes(8).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const endpoint = `http://127.0.0.1:${port}`;

  const child = spawn(
    binary,
    ['server', dataDir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`],
    {
      env: {
        ...process.env,
        MINIO_ROOT_USER: accessKeyId,
        MINIO_ROOT_PASSWORD: secretAccessKey,
        MINIO_BROWSER: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderrTail = tailCollector(child.stderr);
  const stdoutTail = tailCollector(child.stdout);
  const output = () => [stderrTail(), stdoutTail()].filter((text) => text !== '').join('\n') || '(nothing)';
  // If this process exits without calling stop() (a crash, process.exit), MinIO and its data must not outlive it.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const connection = { endpoint, accessKeyId, secretAccessKey, region: 'us-east-1', bucket, stop };
  try {
    await waitUntilLive(endpoint, child, output);
    await createBucket(connection);
  } catch (error) {
    await stop();
    throw error;
  }
  return connection;
}

async function main(command) {
  if (command === 'install') {
    console.log(await ensureMinioBinary());
    return;
  }
  if (command === 'start') {
    const minio = await startMinio();
    console.log(`MinIO ${MINIO_VERSION} is running (bucket "${minio.bucket}"). Use it with:

  export AWS_ENDPOINT_URL_S3=${minio.endpoint}
  export AWS_ACCESS_KEY_ID=${minio.accessKeyId}
  export AWS_SECRET_ACCESS_KEY=${minio.secretAccessKey}
  export AWS_REGION=${minio.region}

or, for klog's integration tests:

  export KLOG_TEST_S3_ENDPOINT=${minio.endpoint}
  export KLOG_TEST_S3_ACCESS_KEY_ID=${minio.accessKeyId}
  export KLOG_TEST_S3_SECRET_ACCESS_KEY=${minio.secretAccessKey}
  export KLOG_TEST_S3_BUCKET=${minio.bucket}

Press Ctrl-C to stop; its data is deleted.`);
    const shutdown = () => {
      minio.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return;
  }
  console.error('Usage: node scripts/minio.mjs start | install');
  process.exitCode = 2;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv[2]).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
