/**
 * A maintenance run in its own OS process (started with child-workers.ts) that stops itself with SIGSTOP right
 * after it took a partition's lease, before its destructive steps. Its configuration comes as JSON in the first
 * argument. It reports over IPC: `paused` before it stops, `deleted` for every DELETE it makes and `put` for
 * every successful PUT (with the key), and `done` with its report.
 *
 * Its clock is fixed (`now`), so its own lease-expiry check never stops it: what it can still do after resuming
 * is limited only by the store's conditions, which is what the test checks.
 */

import { toMaintenanceReport } from '../../sdk/maintenance/maintenance-result.js';
import { runMaintenance } from '../../sdk/maintenance/run-maintenance.js';
import type { ObjectStore, WriteCondition } from '../../sdk/store/object-store.js';
import { openObjectStore } from '../../sdk/store/open-object-store.js';

export interface MaintainerChildConfig {
  url: string;
  topic: string;
  now: number;
  leaseMs: number;
}

export type MaintainerChildMessage =
  | { type: 'paused' }
  | { type: 'deleted'; key: string; outcome: string }
  | { type: 'put'; key: string }
  | { type: 'done'; outcomes: string[]; logStartAfter: string[] };

const config = JSON.parse(process.argv[2] ?? '{}') as MaintainerChildConfig;

function report(message: MaintainerChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

process.on('disconnect', () => process.exit(0));

let paused = false;
function stalling(store: ObjectStore): ObjectStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'put') {
        return async (key: string, body: Uint8Array, condition: WriteCondition) => {
          const outcome = await target.put(key, body, condition);
          if (outcome.kind === 'done') await report({ type: 'put', key });
          if (key.endsWith('/lease.json') && outcome.kind === 'done' && !paused) {
            paused = true;
            await report({ type: 'paused' });
            process.kill(process.pid, 'SIGSTOP');
          }
          return outcome;
        };
      }
      if (property === 'delete') {
        return async (key: string, condition?: { ifMatch?: string }) => {
          const outcome = await target.delete(key, condition);
          await report({ type: 'deleted', key, outcome: outcome.kind });
          return outcome;
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

const store = stalling(openObjectStore(config.url));
const result = await runMaintenance(store, {
  topics: [config.topic],
  now: config.now,
  leaseMs: config.leaseMs,
  indexing: false,
});
await report({
  type: 'done',
  outcomes: result.map((entry) => entry.outcome),
  logStartAfter: result.map((entry) => toMaintenanceReport(entry).logStartAfter),
});
await store.close();
process.exit(0);
