/**
 * One entry point from a URL to an object store (design brief §1):
 *   file://<dir>           the embedded default; with no URL, `$KLOG_HOME`, else `~/.klog`
 *   s3://bucket/prefix     S3, or any S3-compatible store through the standard AWS environment
 *                          (`AWS_ENDPOINT_URL_S3` for MinIO)
 *   memory://              a process-local store for tests
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KlogError } from '../errors.js';
import { FileObjectStore } from './file-object-store.js';
import { MemoryObjectStore } from './memory-object-store.js';
import type { ObjectStore } from './object-store.js';
import { s3StoreFromUrl } from './s3-object-store.js';

/** The embedded store's folder: `$KLOG_HOME`, else `~/.klog`. The SDK and the CLI share it. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.KLOG_HOME;
  if (home !== undefined && home !== '') return isAbsolute(home) ? home : resolve(home);
  return join(homedir(), '.klog');
}

export function defaultStoreUrl(env: NodeJS.ProcessEnv = process.env): string {
  return pathToFileURL(defaultStoreDir(env)).href;
}

export function openObjectStore(url: string = defaultStoreUrl()): ObjectStore {
  const scheme = /^([a-z0-9+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'file':
      return new FileObjectStore(fileURLToPath(new URL(url.replace(/^file:\/\/(?!\/)/i, `file://${process.cwd()}/`))));
    case 's3':
      return s3StoreFromUrl(url);
    case 'memory':
      return new MemoryObjectStore();
    default:
      throw new KlogError(
        'INVALID_ARGUMENT',
        `Unsupported store URL "${url}". Use file:///path/to/dir (the embedded default), s3://bucket/prefix, or memory://.`,
        { context: { url } },
      );
  }
}
