/**
 * A throwaway single-node Apache Kafka broker (KRaft: one process is broker and controller) for the comparison
 * benchmark, built from Maven Central jars rather than a distribution tarball, since package registries are
 * the only downloads every klog machine can make.
 *
 * The jars of `org.apache.kafka:kafka_2.13` and its runtime dependencies are copied once by
 * `mvn dependency:copy-dependencies` on bench/kafka/pom.xml into `${XDG_CACHE_HOME:-~/.cache}/klog/kafka-<version>/`
 * and reused. Each start formats a fresh log directory in the system temp folder, runs
 * `java -cp <jars> kafka.Kafka server.properties` on free ports of 127.0.0.1 and waits for the broker to say it
 * started; `stop()` ends it (SIGTERM, then SIGKILL) and deletes the log directory. The broker is also killed if
 * this process exits without calling `stop()`.
 *
 *   KLOG_KAFKA_VERSION   another kafka_2.13 version than the default (only 3.9.1 has been tried)
 *   KLOG_KAFKA_LIBS      a folder of Kafka broker jars to use instead of the Maven cache
 *   KLOG_KAFKA_HEAP      the JVM heap limit, default 1g
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Kafka 3.9 rather than 4.x: 4.0 dropped the old protocol versions (KIP-896) and kafkajs 2.2.4, unmaintained
 * since 2023, still asks for some of them.
 */
export const DEFAULT_KAFKA_VERSION = '3.9.1';

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const OUTPUT_LINES_KEPT = 30;
const STARTED_LINE = /Kafka Server started/;

export interface KafkaBroker {
  /** `127.0.0.1:<port>`, for kafkajs's `brokers`. */
  bootstrap: string;
  version: string;
  pid: number;
  stop(): Promise<void>;
}

export interface KafkaBrokerOptions {
  version?: string;
  /** `-Xmx`, such as `1g`. */
  heap?: string;
  /** Partitions of a topic created without a count. */
  defaultPartitions?: number;
}

/** Compiled to dist/bench/kafka/, so the pom is three folders up and back down into bench/kafka/. */
const POM_PATH = fileURLToPath(new URL('../../../bench/kafka/pom.xml', import.meta.url));

export function kafkaCacheDir(version: string): string {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'klog', `kafka-${version}`);
}

/** Returns the folder of broker jars for `version`, copying them from Maven Central on first use. */
export function ensureKafkaJars(version: string): string {
  const fromEnv = process.env.KLOG_KAFKA_LIBS;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`KLOG_KAFKA_LIBS is set to ${fromEnv}, but no folder exists there.`);
    return fromEnv;
  }
  const libs = join(kafkaCacheDir(version), 'libs');
  if (existsSync(libs)) return libs;

  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    throw new Error(
      'The Kafka comparison fetches the broker jars with Maven, and "mvn" was not found on PATH. Install Maven ' +
        '(and a JDK 17 or newer), or set KLOG_KAFKA_LIBS to a folder of Kafka broker jars.',
    );
  }
  process.stderr.write(`Fetching Kafka ${version} jars with Maven (first run only) into ${libs}\n`);
  // The jars land in a fresh folder that is renamed into place only once Maven succeeded, so an interrupted
  // download never leaves a half-filled cache that later runs would trust.
  mkdirSync(kafkaCacheDir(version), { recursive: true });
  const staging = mkdtempSync(`${libs}.fetch-`);
  try {
    const fetch = spawnSync(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        POM_PATH,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${staging}`,
        `-Dkafka.version=${version}`,
      ],
      { stdio: ['ignore', process.stderr, process.stderr] },
    );
    if (fetch.status !== 0) {
      throw new Error(
        `mvn dependency:copy-dependencies for kafka_2.13 ${version} failed (${fetch.error?.message ?? `exit code ${fetch.status}`}); its output is above. Check that Maven Central is reachable and the version exists.`,
      );
    }
    renameSync(staging, libs);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return libs;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, as `kafka-storage random-uuid` prints. */
function clusterId(): string {
  return randomBytes(16).toString('base64url');
}

function serverProperties(logDir: string, brokerPort: number, controllerPort: number, partitions: number): string {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    `num.partitions=${partitions}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // kafkajs sends each send() call's records for a partition as one batch and never splits it: allow the
    // 1 MiB batches klog writes, with room for the batch overhead.
    'message.max.bytes=16777216',
    'auto.create.topics.enable=false',
  ].join('\n')}\n`;
}

/** Keeps the last lines a child process printed, for error messages, and reports each line to `onLine`. */
function tailCollector(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => string {
  const lines: string[] = [];
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      onLine(line);
      lines.push(line);
    }
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES_KEPT));
  });
  return () => [...lines, partial].filter((line) => line.trim() !== '').join('\n');
}

function runJava(classpath: string, args: string[], heap: string): ReturnType<typeof spawnSync> {
  return spawnSync('java', [`-Xmx${heap}`, '-cp', classpath, ...args], { encoding: 'utf8' });
}

export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const version = options.version ?? process.env.KLOG_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  const heap = options.heap ?? process.env.KLOG_KAFKA_HEAP ?? '1g';
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) {
    throw new Error('The Kafka comparison runs the broker on a JVM, and "java" was not found on PATH (JDK 17+).');
  }
  const classpath = join(ensureKafkaJars(version), '*');
  const [brokerPort, controllerPort] = (await freePorts(2)) as [number, number];
  const workDir = mkdtempSync(join(tmpdir(), 'klog-kafka-'));
  const logDir = join(workDir, 'data');
  const propertiesPath = join(workDir, 'server.properties');
  writeFileSync(propertiesPath, serverProperties(logDir, brokerPort, controllerPort, options.defaultPartitions ?? 4));

  const format = runJava(
    classpath,
    ['kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propertiesPath],
    '256m',
  );
  if (format.status !== 0) {
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`Formatting Kafka's log directory failed (exit code ${format.status}):\n${format.stderr}`);
  }

  const child = spawn(
    'java',
    [
      `-Xmx${heap}`,
      `-Xms${heap}`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      '-cp',
      classpath,
      'kafka.Kafka',
      propertiesPath,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let started = false;
  const onLine = (line: string) => {
    if (STARTED_LINE.test(line)) started = true;
  };
  const stderrTail = tailCollector(child.stderr, onLine);
  const stdoutTail = tailCollector(child.stdout, onLine);
  const output = () => [stderrTail(), stdoutTail()].filter((text) => text !== '').join('\n') || '(nothing)';
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);

  let stopped: Promise<void> | undefined;
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
      rmSync(workDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!started) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `Kafka exited (${child.signalCode ?? `exit code ${child.exitCode}`}) before it started. Its last output:\n${output()}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Kafka did not start within ${START_TIMEOUT_MS} ms. Its last output:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { bootstrap: `127.0.0.1:${brokerPort}`, version, pid: child.pid ?? 0, stop };
}
