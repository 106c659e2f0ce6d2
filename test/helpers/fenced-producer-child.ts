/**
 * A producer with a fencing id in its own OS process (started with child-workers.ts), for the fencing tests: it
 * sends `first` records one send at a time, optionally stops itself with SIGSTOP, then sends `afterPause` more. It
 * reports every send over IPC (`sent` with its offset, or `failed` with the error code) and exits at the end.
 */
import { Klog } from '../../sdk/client/klog.js';
import { isKlogError } from '../../sdk/errors.js';

export interface FencedProducerConfig {
  url: string;
  topic: string;
  fencingId: string;
  name: string;
  first: number;
  afterPause: number;
  /** Stop with SIGSTOP after the first sends (reporting `paused` first). */
  pause: boolean;
}

export type FencedProducerMessage =
  | { type: 'sent'; value: string; offset: string }
  | { type: 'failed'; value: string; code: string; retriable: boolean; message: string }
  | { type: 'paused' }
  | { type: 'done' };

const config = JSON.parse(process.argv[2] ?? '{}') as FencedProducerConfig;

function report(message: FencedProducerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

process.on('disconnect', () => process.exit(0));

const klog = new Klog({ url: config.url, clientId: config.name, retry: { retries: 2 } });
const producer = klog.producer({ fencingId: config.fencingId, lingerMs: 0 });

async function sendOne(index: number): Promise<void> {
  const value = `${config.name}:${index}`;
  try {
    const [stored] = await producer.send({ topic: config.topic, messages: [{ value }] });
    await report({ type: 'sent', value, offset: stored?.baseOffset ?? '' });
  } catch (error) {
    if (!isKlogError(error)) throw error;
    await report({ type: 'failed', value, code: error.code, retriable: error.retriable, message: error.message });
  }
}

for (let index = 0; index < config.first; index++) await sendOne(index);
if (config.pause) {
  await report({ type: 'paused' });
  process.kill(process.pid, 'SIGSTOP');
}
for (let index = config.first; index < config.first + config.afterPause; index++) await sendOne(index);
await producer.disconnect().catch(() => undefined);
await klog.close();
await report({ type: 'done' });
process.exit(0);
