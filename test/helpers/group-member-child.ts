/**
 * A consumer-group member in its own OS process, for the group tests under real concurrency (started with
 * child-workers.ts). Its configuration comes as JSON in the first argument. It reports over IPC: `running` once
 * it joined, `handled` for every record (the handler returns only once the report is written, so a record whose
 * offset was committed was always reported), `log` for the client's warnings and errors, and `commit` with the
 * outcome of a commit it was asked for. Commands: `commit` (commit the next offsets after what it handled) and
 * `stop` (disconnect, leaving the group, and exit).
 */
import { Klog } from '../../sdk/client/klog.js';
import { logLevel } from '../../sdk/client/logger.js';
import { isKlogError } from '../../sdk/errors.js';

export interface GroupChildConfig {
  url: string;
  name: string;
  group: string;
  topic: string;
  groupInstanceId?: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  autoCommitInterval: number;
  /** Time each record's handler takes (an await, so heartbeats continue). */
  handleDelayMs: number;
}

export type GroupChildMessage =
  | { type: 'running'; name: string }
  | { type: 'handled'; name: string; partition: number; offset: string; value: string }
  | { type: 'log'; name: string; label: string; message: string; reason?: string }
  | { type: 'commit'; name: string; ok: boolean; code?: string; tried: { partition: number; offset: string }[] }
  | { type: 'stopped'; name: string };

const config = JSON.parse(process.argv[2] ?? '{}') as GroupChildConfig;

function report(message: GroupChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

const klog = new Klog({
  url: config.url,
  clientId: config.name,
  logLevel: logLevel.WARN,
  logCreator: () => (entry) => {
    void report({
      type: 'log',
      name: config.name,
      label: entry.label,
      message: entry.log.message,
      reason: typeof entry.log.reason === 'string' ? entry.log.reason : undefined,
    });
  },
});
const consumer = klog.consumer({
  groupId: config.group,
  groupInstanceId: config.groupInstanceId,
  sessionTimeoutMs: config.sessionTimeoutMs,
  heartbeatIntervalMs: config.heartbeatIntervalMs,
  rebalanceTimeoutMs: 30_000,
});
/** The next offset after the last record handled, per partition. */
const handledUpTo = new Map<number, bigint>();

process.on('disconnect', () => process.exit(0));
process.on('message', (command: { type: string }) => {
  if (command.type === 'stop') {
    void (async () => {
      await consumer.disconnect();
      await klog.close();
      await report({ type: 'stopped', name: config.name });
      process.exit(0);
    })();
  } else if (command.type === 'commit') {
    const tried = [...handledUpTo].map(([partition, offset]) => ({ partition, offset: offset.toString() }));
    consumer.commitOffsets(tried.map(({ partition, offset }) => ({ topic: config.topic, partition, offset }))).then(
      () => report({ type: 'commit', name: config.name, ok: true, tried }),
      (error: unknown) =>
        report({
          type: 'commit',
          name: config.name,
          ok: false,
          code: isKlogError(error) ? error.code : String(error),
          tried,
        }),
    );
  }
});

await consumer.subscribe({ topic: config.topic, fromBeginning: true });
await consumer.run({
  autoCommitInterval: config.autoCommitInterval,
  eachMessage: async ({ partition, message }) => {
    if (config.handleDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.handleDelayMs));
    await report({
      type: 'handled',
      name: config.name,
      partition,
      offset: message.offset,
      value: message.value!.toString(),
    });
    handledUpTo.set(partition, BigInt(message.offset) + 1n);
  },
});
await report({ type: 'running', name: config.name });
