/**
 * The package as users get it: `npm pack` (which builds through `prepack`), installed into a fresh ESM project
 * next to TypeScript. The public types must resolve through `exports` (a wrong argument is a type error, so
 * they are not `any`), and a plain ESM script must produce and consume through the installed SDK. It needs no
 * MinIO; it lives with the slow tests because it runs npm.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/**
 * npm passes its settings to scripts as `npm_*` variables; under `npm test`, `npm_config_local_prefix` would make
 * the nested npm install into this repository. Only the cache and registry settings are kept.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_') || keep.has(name)),
  );
}

async function exec(command: string, args: string[], cwd: string) {
  return run(command, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
}

const typedUse = `import { type EachMessagePayload, Klog, type KlogConfig, logLevel, type RecordMetadata } from 'klog';

const config: KlogConfig = { url: 'memory://', logLevel: logLevel.WARN };
const klog = new Klog(config);
export const sent: Promise<RecordMetadata[]> = klog.producer({ lingerMs: 10 }).send({
  topic: 'typed',
  messages: [{ key: 'k', value: 'v', headers: { trace: 't' } }],
});
export const handler = async ({ message }: EachMessagePayload): Promise<void> => {
  const value: Buffer | null = message.value;
  const offset: string = message.offset;
  void value;
  void offset;
};
export const offsets = klog.admin().fetchTopicOffsets('typed');
`;

const wrongUse = `import { Klog } from 'klog';

export const klog = new Klog({ url: 42 });
`;

const roundTrip = `import { Klog } from 'klog';

// memory:// is one store per client: produce and consume with the same one.
const klog = new Klog({ url: 'memory://' });
const producer = klog.producer();
await producer.send({
  topic: 'greetings',
  messages: ['one', 'two', 'three'].map((value, index) => ({ key: 'k' + index, value })),
});
await producer.disconnect();

const consumer = klog.consumer();
await consumer.subscribe({ topics: ['greetings'], fromBeginning: true });
const seen = [];
let allSeen;
const done = new Promise((resolve) => {
  allSeen = resolve;
});
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    seen.push(topic + ' ' + partition + '@' + message.offset + ' ' + message.key + '=' + message.value);
    if (seen.length === 3) allSeen();
  },
});
await done;
await consumer.disconnect();
await klog.close();
for (const line of seen) console.log(line);
`;

describe('the npm package', () => {
  let work: string;
  let project: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'klog-pack-'));
    const packed = join(work, 'packed');
    project = join(work, 'app');
    await mkdir(packed);
    await mkdir(project);
    const { stdout } = await exec(npm, ['pack', '--json', '--pack-destination', packed], repoRoot);
    const [entry] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
    const tarball = join(packed, entry!.filename);

    await exec(npm, ['init', '-y'], project);
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'));
    await writeFile(join(project, 'package.json'), JSON.stringify({ ...manifest, type: 'module' }, null, 2));
    await exec(
      npm,
      ['install', tarball, 'typescript@5.9', '@types/node@20', '--prefer-offline', '--no-audit', '--no-fund'],
      project,
    );
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      types: ['node'],
      noEmit: true,
    };
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }));
    await writeFile(join(project, 'tsconfig.wrong.json'), JSON.stringify({ compilerOptions, files: ['wrong.ts'] }));
    await writeFile(join(project, 'index.ts'), typedUse);
    await writeFile(join(project, 'wrong.ts'), wrongUse);
    await writeFile(join(project, 'index.mjs'), roundTrip);
  }, 900_000);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('type-checks an app that imports it, and its types catch a wrong argument', async () => {
    await expect(exec(npx, ['--no', '--', 'tsc', '--noEmit', '-p', 'tsconfig.json'], project)).resolves.toBeDefined();
    const failure = await exec(npx, ['--no', '--', 'tsc', '--noEmit', '-p', 'tsconfig.wrong.json'], project).then(
      () => null,
      (error: { stdout: string }) => error.stdout,
    );
    expect(failure).toMatch(/wrong\.ts\(3,\d+\): error TS2322/);
  }, 300_000);

  it('produces and consumes from a plain ESM script', async () => {
    const { stdout } = await exec(process.execPath, ['index.mjs'], project);
    expect(stdout.trim().split('\n')).toEqual([
      'greetings 0@0 k0=one',
      'greetings 0@1 k1=two',
      'greetings 0@2 k2=three',
    ]);
  }, 300_000);
});
