/**
 * A child process for the FileObjectStore's multi-process tests (started through child-workers.ts). It opens
 * the store at a folder, says `ready`, waits for `go` so that all children start together, runs one scenario
 * and sends its result:
 *
 *   create-race <root> <keyCount> <rounds> <childId>   creates each of keyCount keys `rounds` times
 *   counter <root> <key> <increments> <childId>         increments a JSON counter with If-Match until N took effect
 *   crash-writes <root> <keyCount>                      creates and replaces self-checking bodies until killed
 */
import { randomInt } from 'node:crypto';
import { FileObjectStore } from '../../sdk/store/file-object-store.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';
import { type ChildMessage, type CounterBody, crashKey, raceKey, selfCheckingBody } from './file-store-scenarios.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

function tally(outcomes: Record<string, number>, kind: string): void {
  outcomes[kind] = (outcomes[kind] ?? 0) + 1;
}

async function createRace(store: ObjectStore, keyCount: number, rounds: number, childId: string): Promise<void> {
  const wins: string[] = [];
  const outcomes: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    // Each child walks the keys in its own order, so the races spread over all keys.
    const order = Array.from({ length: keyCount }, (_, index) => index).sort(() => Math.random() - 0.5);
    for (const index of order) {
      const key = raceKey(index);
      const outcome = await store.put(key, Buffer.from(`${childId}:${key}:${round}`), { ifNoneMatch: '*' });
      tally(outcomes, outcome.kind);
      if (outcome.kind === 'done') wins.push(key);
    }
  }
  await send({ type: 'create-race-result', wins, outcomes });
}

async function counter(store: ObjectStore, key: string, increments: number, childId: string): Promise<void> {
  const outcomes: Record<string, number> = {};
  let done = 0;
  while (done < increments) {
    const current = await store.get(key);
    if (current === null) throw new Error(`The counter ${key} is missing.`);
    const counter = JSON.parse(Buffer.from(current.body).toString()) as CounterBody;
    const increment = `${childId}/${done}`;
    const next: CounterBody = { value: counter.value + 1, increments: [...counter.increments, increment] };
    const outcome = await store.put(key, Buffer.from(JSON.stringify(next)), { ifMatch: current.etag });
    tally(outcomes, outcome.kind);
    if (outcome.kind === 'done') done++;
    else if (outcome.kind === 'ambiguous' && (await hasIncrement(store, key, increment))) done++;
    else if (outcome.kind !== 'precondition-failed' && outcome.kind !== 'ambiguous') {
      throw new Error(`Unexpected outcome ${JSON.stringify(outcome)}.`);
    }
  }
  await send({ type: 'counter-result', done, outcomes });
}

/** Resolves an ambiguous increment: it took effect if the counter (which only grows) names it. */
async function hasIncrement(store: ObjectStore, key: string, increment: string): Promise<boolean> {
  const current = await store.get(key);
  if (current === null) throw new Error(`The counter ${key} is missing.`);
  return (JSON.parse(Buffer.from(current.body).toString()) as CounterBody).increments.includes(increment);
}

async function crashWrites(store: ObjectStore, keyCount: number): Promise<never> {
  for (let writes = 0; ; ) {
    const key = crashKey(randomInt(keyCount));
    const body = selfCheckingBody(randomInt(1, 1024 * 1024));
    const current = await store.head(key);
    const outcome = await store.put(key, body, current === null ? { ifNoneMatch: '*' } : { ifMatch: current.etag });
    if (outcome.kind === 'done') await send({ type: 'progress', writes: ++writes });
  }
}

async function main(): Promise<void> {
  const [scenario = '', root = '', ...args] = process.argv.slice(2);
  // A test that fails or times out may never stop this process: leave when the parent goes away.
  process.once('disconnect', () => process.exit(1));
  const store = new FileObjectStore(root);
  const go = new Promise((resolve) => process.once('message', resolve));
  await send({ type: 'ready' });
  await go;
  if (scenario === 'create-race') await createRace(store, Number(args[0]), Number(args[1]), args[2] ?? '');
  else if (scenario === 'counter') await counter(store, args[0] ?? '', Number(args[1]), args[2] ?? '');
  else if (scenario === 'crash-writes') await crashWrites(store, Number(args[0]));
  else throw new Error(`Unknown scenario "${scenario}".`);
  await store.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
