#!/usr/bin/env node
/**
 * Bundles the broker's Lambda entry points (broker-lambda/functions.ts) into one ESM file for the AWS Lambda
 * Node.js runtime, next to the native addons it needs for the target CPU.
 *
 * Plain Node ESM on purpose: `serverless package` loads it (through scripts/serverless-bundle-lambda.mjs)
 * before anything is compiled.
 *
 *   node scripts/bundle-lambda.mjs [--architecture arm64|x86_64]
 *
 * Output, under dist/lambda/ (gitignored, and outside what Biome and tsc look at):
 *   functions.mjs                         every entry point, with the SDK and the AWS SDK inlined
 *   node_modules/<addon loader>/...       snappy and @node-rs/crc32, which cannot be inlined: they load a
 *   node_modules/<addon>-linux-<cpu>-gnu  `.node` binary, and Lambda needs the Linux build for its CPU
 *
 * The Linux addon builds come from this checkout's node_modules when npm installed them (it installs only the
 * host's), else from a cache filled once with `npm pack` (`${XDG_CACHE_HOME:-~/.cache}/klog/lambda-addons`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Where the bundle goes, relative to the service directory; serverless.yml's package patterns name it too. */
export const LAMBDA_BUILD_DIR = 'dist/lambda';

/** The entry file inside the build directory; serverless.yml's handlers are `dist/lambda/functions.<export>`. */
export const LAMBDA_BUNDLE_FILE = 'functions.mjs';

/** Lambda's architecture names and the CPU names Node and the addon packages use for them. */
const CPU_BY_ARCHITECTURE = { arm64: 'arm64', x86_64: 'x64' };

/**
 * Native addons the SDK imports. Each loader package picks `<platformPrefix><platform>` at run time, so the
 * loader and the Linux build for the Lambda CPU both go into the artifact. Lambda's Node.js runtimes run on
 * Amazon Linux 2023, a glibc system, hence `-gnu`.
 */
const NATIVE_ADDONS = [
  { loader: 'snappy', platformPrefix: '@napi-rs/snappy-' },
  { loader: '@node-rs/crc32', platformPrefix: '@node-rs/crc32-' },
];

/**
 * Builds dist/lambda for `architecture` under `serviceDir` and returns the bundle's absolute path.
 * `log` receives one line per step that takes time (a download); failures throw with what to do next.
 */
export async function bundleLambda({ serviceDir, architecture = 'arm64', log = () => {} }) {
  const cpu = CPU_BY_ARCHITECTURE[architecture];
  if (cpu === undefined) {
    throw new Error(`Unknown Lambda architecture "${architecture}": use arm64 or x86_64.`);
  }
  const outDir = join(serviceDir, LAMBDA_BUILD_DIR);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const outfile = join(outDir, LAMBDA_BUNDLE_FILE);
  await build({
    entryPoints: [join(serviceDir, 'broker-lambda', 'functions.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: NATIVE_ADDONS.map((addon) => addon.loader),
    // Some inlined CommonJS dependencies call require() for Node built-ins; an ESM bundle has no require
    // unless it makes one.
    banner: {
      js: "import { createRequire as klogCreateRequire } from 'node:module';\nconst require = klogCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
  });

  for (const addon of NATIVE_ADDONS) {
    copyPackage(serviceDir, addon.loader, outDir);
    const platformPackage = `${addon.platformPrefix}linux-${cpu}-gnu`;
    const version = addonVersion(serviceDir, addon.loader, platformPackage);
    const source = findPlatformPackage(serviceDir, platformPackage, version, log);
    cpSync(source, join(outDir, 'node_modules', platformPackage), { recursive: true });
  }
  return outfile;
}

function copyPackage(serviceDir, name, outDir) {
  cpSync(join(serviceDir, 'node_modules', name), join(outDir, 'node_modules', name), { recursive: true });
}

/** The platform build's version that `loader` expects: the one its optionalDependencies pin. */
function addonVersion(serviceDir, loader, platformPackage) {
  const manifest = JSON.parse(readFileSync(join(serviceDir, 'node_modules', loader, 'package.json'), 'utf8'));
  const version = manifest.optionalDependencies?.[platformPackage];
  if (typeof version !== 'string') {
    throw new Error(`${loader} ${manifest.version} has no build for ${platformPackage}; Lambda cannot load it.`);
  }
  return version;
}

/** A directory holding `platformPackage` at `version`: node_modules if npm installed it there, else the cache. */
function findPlatformPackage(serviceDir, platformPackage, version, log) {
  const installed = join(serviceDir, 'node_modules', platformPackage);
  if (packageVersion(installed) === version) return installed;

  const cacheRoot = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const cached = join(cacheRoot, 'klog', 'lambda-addons', `${platformPackage.replace('/', '+')}@${version}`);
  const unpacked = join(cached, 'package');
  if (packageVersion(unpacked) === version) return unpacked;

  log(`Fetching ${platformPackage}@${version} with npm pack (the Lambda CPU's build; cached in ${cached})`);
  rmSync(cached, { recursive: true, force: true });
  mkdirSync(cached, { recursive: true });
  const spec = `${platformPackage}@${version}`;
  const packed = spawnSync('npm', ['pack', spec, '--pack-destination', cached, '--json'], {
    cwd: cached,
    encoding: 'utf8',
  });
  const tarball = packed.status === 0 ? JSON.parse(packed.stdout)[0]?.filename : undefined;
  if (tarball === undefined) {
    throw new Error(
      `Could not fetch ${spec} (npm pack: ${packed.stderr.trim() || packed.error?.message}). The Lambda ` +
        'artifact needs it; run the command again with network access to the npm registry, or install it ' +
        `with \`npm install --no-save --os=linux --cpu=${platformPackage.includes('arm64') ? 'arm64' : 'x64'} ${spec}\`.`,
    );
  }
  const untar = spawnSync('tar', ['-xzf', join(cached, tarball), '-C', cached], { encoding: 'utf8' });
  if (untar.status !== 0 || packageVersion(unpacked) !== version) {
    throw new Error(`Could not unpack ${join(cached, tarball)}: ${untar.stderr.trim()}. Delete ${cached} and retry.`);
  }
  return unpacked;
}

function packageVersion(dir) {
  const manifest = join(dir, 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
}

function architectureArgument(argv) {
  const index = argv.indexOf('--architecture');
  return index === -1 ? 'arm64' : argv[index + 1];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const serviceDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  bundleLambda({ serviceDir, architecture: architectureArgument(process.argv), log: console.log }).then(
    (outfile) => console.log(`Bundled ${outfile}`),
    (error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
