/**
 * A consumer of one partition in its own OS process (started with child-workers.ts), for the maintenance stress
 * test: it reads from the beginning with the partition reader, as a consumer catching up does, while maintenance
 * indexes, compacts and trims the log under it. A position that fell below the log start resets to the earliest
 * offset (the reset policy `earliest`). It reports over IPC: `records` (offsets and values) per read, `reset` on
 * every reset, and `done` once it reached the end offset the parent sent with `finish`.
 */
import { isKlogError } from '../../sdk/errors.js';
import { PartitionReader } from '../../sdk/log/partition-reader.js';
import type { PartitionRef } from '../../sdk/store/keys.js';
import { openObjectStore } from '../../sdk/store/open-object-store.js';

export interface LogReaderChildConfig {
  url: string;
  ref: PartitionRef;
}

export type LogReaderChildMessage =
  | { type: 'records'; offsets: string[]; values: string[] }
  | { type: 'reset'; from: string; to: string }
  | { type: 'done' };

const config = JSON.parse(process.argv[2] ?? '{}') as LogReaderChildConfig;

function report(message: LogReaderChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

let finishAt: bigint | null = null;
process.on('disconnect', () => process.exit(0));
process.on('message', (command: { type: string; end: string }) => {
  if (command.type === 'finish') finishAt = BigInt(command.end);
});

const store = openObjectStore(config.url);
const reader = new PartitionReader(store, config.ref);
let offset = 0n;
while (finishAt === null || offset < finishAt) {
  try {
    const result = await reader.read(offset);
    if (result.records.length > 0) {
      await report({
        type: 'records',
        offsets: result.records.map((record) => record.offset.toString()),
        values: result.records.map((record) => Buffer.from(record.value ?? []).toString()),
      });
    } else {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    offset = result.nextOffset;
  } catch (error) {
    if (!isKlogError(error, 'OFFSET_OUT_OF_RANGE')) throw error;
    const earliest = await reader.earliestOffset();
    await report({ type: 'reset', from: offset.toString(), to: earliest.toString() });
    if (earliest <= offset) throw error;
    offset = earliest;
  }
}
await report({ type: 'done' });
await store.close();
process.exit(0);
