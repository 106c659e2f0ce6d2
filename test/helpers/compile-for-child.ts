/**
 * Compiles a TypeScript entry file, and every file it imports by relative path, into plain JavaScript that a
 * child process runs with plain `node`. Vitest compiles test code on the fly, but the real OS processes that
 * multi-process tests start do not, and the tests must not need a build.
 *
 * esbuild is not installed here, so this uses the TypeScript compiler (a direct dev dependency) file by file:
 * `ts.transpileModule` on each file of the relative import graph, written under the same relative path into
 * a folder inside `node_modules/.cache/klog-child-bundles/`. Package imports (`node:fs`, `@aws-sdk/...`) stay
 * as they are and resolve from the repository's `node_modules`, because the output folder lives inside it.
 * Types are not checked here; `tsc --noEmit` checks the whole repository.
 *
 * The folder is named by a hash of the sources, so test processes running at the same time share one
 * compilation, a rerun with unchanged sources compiles nothing, and nothing depends on cleanup at exit (test
 * runners often kill their workers). Folders unused for a week are removed.
 *
 * Usage:
 *   const script = await bundleForChild('test/helpers/file-store-child.ts');
 *   fork(script, args, { execArgv: [] });
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const cacheRoot = path.join(repositoryRoot, 'node_modules', '.cache', 'klog-child-bundles');
const UNUSED_FOLDER_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const compilerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
  inlineSourceMap: true,
};

const entries = new Map<string, Promise<string>>();
let pruned: Promise<void> | undefined;

/**
 * Returns the path of a runnable `.js` file compiled from `entryTs` (absolute, or relative to the repository
 * root). Compiles at most once per entry per test process.
 */
export function bundleForChild(entryTs: string): Promise<string> {
  const entry = path.resolve(repositoryRoot, entryTs);
  let compiled = entries.get(entry);
  if (compiled === undefined) {
    compiled = compileGraph(entry);
    entries.set(entry, compiled);
  }
  return compiled;
}

async function compileGraph(entry: string): Promise<string> {
  pruned ??= pruneUnusedFolders();
  await pruned;
  const sources = new Map<string, string>();
  await collectSources(entry, sources);
  const folder = path.join(cacheRoot, hashSources(sources));
  if (existsSync(folder)) {
    const now = new Date();
    await utimes(folder, now, now);
  } else {
    await writeFolder(folder, sources);
  }
  return outputPath(entry, folder);
}

/** Reads a file and, recursively, every file it imports by relative path. */
async function collectSources(source: string, sources: Map<string, string>): Promise<void> {
  if (sources.has(source)) return;
  const text = await readFile(source, 'utf8');
  sources.set(source, text);
  const imports = ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName);
  for (const specifier of imports) {
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
    await collectSources(resolveImport(source, specifier), sources);
  }
}

/** `./x.js` means `./x.ts` when that exists (NodeNext style); anything else is taken as it is. */
function resolveImport(importer: string, specifier: string): string {
  const target = path.resolve(path.dirname(importer), specifier);
  const typescriptSource = target.replace(/\.js$/, '.ts');
  if (target.endsWith('.js') && existsSync(typescriptSource)) return typescriptSource;
  if (existsSync(target)) return target;
  throw new Error(`bundleForChild cannot find ${specifier}, imported by ${importer}.`);
}

function hashSources(sources: Map<string, string>): string {
  const hash = createHash('sha256').update(`${ts.version}\0${JSON.stringify(compilerOptions)}\0`);
  for (const source of [...sources.keys()].sort()) {
    hash.update(`${path.relative(repositoryRoot, source)}\0${sources.get(source)}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Writes the compiled files to a scratch folder and renames it into place, so a folder is always complete. */
async function writeFolder(folder: string, sources: Map<string, string>): Promise<void> {
  const scratch = path.join(cacheRoot, `.scratch-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    // The compiled files keep their `.js` names and import each other by them, so the folder declares ESM.
    await mkdir(scratch, { recursive: true });
    await writeFile(path.join(scratch, 'package.json'), '{ "type": "module" }\n');
    for (const [source, text] of sources) {
      const output = outputPath(source, scratch);
      await mkdir(path.dirname(output), { recursive: true });
      const compiled = source.endsWith('.ts')
        ? ts.transpileModule(text, { fileName: source, compilerOptions }).outputText
        : text;
      await writeFile(output, compiled);
    }
    await rename(scratch, folder);
  } catch (error) {
    // Another test process finished the same compilation first: use its folder.
    if (!existsSync(folder)) throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function outputPath(source: string, folder: string): string {
  const relative = path.relative(repositoryRoot, source);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`bundleForChild compiles files inside the repository only, not ${source}.`);
  }
  return path.join(folder, relative.replace(/\.ts$/, '.js'));
}

async function pruneUnusedFolders(): Promise<void> {
  const cutoff = Date.now() - UNUSED_FOLDER_MAX_AGE_MS;
  await mkdir(cacheRoot, { recursive: true });
  for (const name of await readdir(cacheRoot)) {
    const folder = path.join(cacheRoot, name);
    const info = await stat(folder).catch(() => undefined);
    if (info !== undefined && info.mtimeMs < cutoff) await rm(folder, { recursive: true, force: true });
  }
}
