/**
 * `klog broker start` for the comparison (through bench/broker-process.ts, the CLI of this checkout after
 * `npm run build`), over the same MinIO as the direct runs. A broker that cannot start is reported with the
 * reason instead of failing the whole run, since the broker is newer than the rest of the benchmark.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBrokerProcess } from '../broker-process.js';

export interface KlogBroker {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Compiled to dist/bench/compare/, next to dist/cli/. */
const START_COMMAND = fileURLToPath(new URL('../../cli/commands/broker/start.js', import.meta.url));

/** Starts the broker on `storeUrl` with `env` (the S3 endpoint and credentials), or says why it could not. */
export async function startKlogBroker(storeUrl: string, env: NodeJS.ProcessEnv): Promise<KlogBroker | string> {
  if (!existsSync(START_COMMAND)) {
    return `this build has no \`klog broker start\` (${START_COMMAND} is missing: run npm run build)`;
  }
  try {
    const broker = await startBrokerProcess({ storeUrl, env });
    // The broker must not outlive this process if it ends without calling stop().
    const killOnExit = () => broker.child.kill('SIGKILL');
    process.on('exit', killOnExit);
    return {
      url: broker.url,
      pid: broker.child.pid ?? 0,
      async stop() {
        process.off('exit', killOnExit);
        await broker.stop();
      },
    };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
