/**
 * The filesystem ObjectStore: klog's embedded default. It keeps S3's conditional-write semantics across
 * processes on one machine without locks, and a `kill -9` at any point never leaves a partly written object
 * readable.
 *
 * Layout. Key `a/b/c.seg` is the directory `<root>/a/b/c.seg~/` (klog keys never contain `~`, so `a~/` and the
 * directory `a/` of key `a/b` never collide). Each version of the object is a file in it named by its
 * zero-padded version number (`0000000001`, `0000000002`, ...); the newest version is the object. A deletion is
 * a version too: a tombstone, an empty *directory* with the next number. The etag is the version number as a
 * decimal string; a key's versions never repeat (a re-created key continues after its tombstone), so neither
 * do its etags.
 *
 * Writes. A body is written to a uniquely named file under `<root>/.tmp/`, fsynced, then hard-linked (`link(2)`)
 * to its version name, and the temporary name is unlinked. `link` fails with EEXIST when the name is taken, so
 * exactly one writer wins each version number, and readers only ever open complete files. Tombstones use
 * `mkdir`, which is exclusive in the same way.
 * - create (`ifNoneMatch: '*'`): if the newest version is a file, precondition-failed; otherwise link version
 *   newest+1 (1 for a new key). If that number was taken meanwhile, read again: a file means
 *   precondition-failed, a tombstone means try the next number.
 * - replace (`ifMatch: E`): a missing key or a tombstone is not-found; a newest version other than E is
 *   precondition-failed; otherwise link E+1. If E+1 was taken, read again: a tombstone is not-found, a file
 *   precondition-failed.
 * Both read the key directory once more after writing the body (the slow step, with its fsync), so that the
 * link acts on a fresh view and a lost race costs no link.
 * - delete: unconditionally, make tombstone newest+1 (retrying when the number is taken); with `ifMatch: E`,
 *   make tombstone E+1 under the same rules as replace. Then collect everything below the tombstone. A deleted
 *   key keeps its directory with the tombstone: one small directory per deleted key, reclaimed by the
 *   maintenance work, not here, because only the tombstone stops a stale writer from reusing low numbers.
 *
 * Garbage. Meta objects are replaced often, so old versions are collected: after a replace finds more than
 * GC_AFTER_VERSIONS versions it keeps the newest two (a reader that listed the directory may still be opening
 * the older one; a reader whose open fails with ENOENT reads the directory again). Collection first publishes
 * a floor (an empty file `floor-<N>`; the key's floor is the largest), then removes versions below the floor
 * in ascending order, then removes lower floor files.
 *
 * Why the floor is needed, and what it decides. A writer holding a very stale etag E could link E+1 after
 * collection freed that slot and wrongly believe it won. So after every successful link of version V, the
 * writer reads the floor.
 * - V at or above the floor: the write won. Collection frees only slots below a floor it published first, and
 *   the floor never goes down, so this slot was never freed; versions are created strictly in sequence, so it
 *   was never used before either.
 * - V below the floor: the writer removes its link and answers `ambiguous`, because two histories end here
 *   and it cannot tell them apart. Either it was stale and its link reused a freed slot (no effect), or it did
 *   win but stalled between its link and its check while newer versions (or a deletion) and a collection
 *   followed (its write took effect and others built on it). Answering precondition-failed in the second case
 *   would report a write that others already read as failed, and the caller would apply it twice.
 * This is sufficient: a slot below the floor is freed only after the floor is published, so a link that
 * reused a freed slot happened after the publication and its floor read sees it; a stale writer never
 * answers done. Nor can a stale link be mistaken for the object meanwhile: a version at or above the floor
 * always exists (collection keeps the newest) and readers take the highest number.
 *
 * Crashes. A writer killed before its link leaves only a temporary file (swept after an hour); killed after
 * it, the version is complete. Collection killed midway leaves old versions that the next collection removes.
 * Durability against power loss would also need a directory fsync after each link; `kill -9` does not.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { link as linkFile, mkdir, open, readdir, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KlogError } from '../errors.js';
import type {
  ByteRange,
  DeleteOutcome,
  GetResult,
  HeadResult,
  ListedObject,
  ListOptions,
  ObjectStore,
  WriteCondition,
  WriteOutcome,
} from './object-store.js';

const VERSION_DIGITS = 10;
const KEY_DIR_SUFFIX = '~';
const TEMP_DIR = '.tmp';
const FLOOR_PREFIX = 'floor-';
/** A replace that finds more versions than this collects all but the newest two. */
const GC_AFTER_VERSIONS = 4;
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;
/** Bounds the retry loops that race other writers; each lost race means another writer made progress. */
const MAX_RACE_ATTEMPTS = 100;
const SEGMENT_PATTERN = /^[A-Za-z0-9._=-]+$/;
const PREFIX_PATTERN = /^[A-Za-z0-9._=/-]*$/;
const VERSION_PATTERN = /^[0-9]+$/;
const ETAG_PATTERN = /^[1-9][0-9]{0,14}$/;

interface Version {
  number: number;
  tombstone: boolean;
}

/** What a key directory held when it was read. */
interface KeyState {
  /** All versions, ascending. */
  versions: Version[];
  /** The newest version, or undefined when the directory holds none yet. */
  newest: Version | undefined;
  /** The largest published floor, 0 when none. */
  floor: number;
  floors: number[];
}

/** A key segment klog could build: safe as a file name on every platform, and never `.`, `..` or `x~`. */
function isValidSegment(segment: string): boolean {
  return SEGMENT_PATTERN.test(segment) && segment !== '.' && segment !== '..';
}

function versionName(version: number): string {
  return String(version).padStart(VERSION_DIGITS, '0');
}

function floorName(floor: number): string {
  return `${FLOOR_PREFIX}${versionName(floor)}`;
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}

/** Reads a key directory; null when it does not exist (the common case when polling for a new key). */
async function readKeyDir(dir: string): Promise<KeyState | null> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) return null;
    throw error;
  }
  const versions: Version[] = [];
  const floors: number[] = [];
  for (const entry of entries) {
    if (VERSION_PATTERN.test(entry.name)) {
      versions.push({ number: Number(entry.name), tombstone: entry.isDirectory() });
    } else if (entry.name.startsWith(FLOOR_PREFIX)) {
      floors.push(Number(entry.name.slice(FLOOR_PREFIX.length)));
    }
  }
  versions.sort((a, b) => a.number - b.number);
  floors.sort((a, b) => a - b);
  return { versions, newest: versions.at(-1), floor: floors.at(-1) ?? 0, floors };
}

function isLiveObject(state: KeyState | null): state is KeyState & { newest: Version } {
  return state?.newest !== undefined && !state.newest.tombstone;
}

/** Why a replace with `etag` cannot succeed on `state`, or undefined when it may. */
function replaceRefusal(state: KeyState | null, etag: string): WriteOutcome | undefined {
  if (!isLiveObject(state)) return { kind: 'not-found' };
  // An etag that is not a version number came from another store; it cannot match.
  if (!ETAG_PATTERN.test(etag) || Number(etag) !== state.newest.number) return { kind: 'precondition-failed' };
  return undefined;
}

async function removeVersion(dir: string, version: Version): Promise<void> {
  const file = path.join(dir, versionName(version.number));
  try {
    await (version.tombstone ? rmdir(file) : unlink(file));
  } catch (error) {
    // Another collector or the stale writer itself may have removed it first.
    if (!hasCode(error, 'ENOENT')) throw error;
  }
}

export class FileObjectStore implements ObjectStore {
  readonly description: string;
  private readonly root: string;
  private readonly tempDir: string;
  private tempDirReady: Promise<void> | undefined;
  private tempSweep: Promise<void> | undefined;

  /** Does not touch the disk: the root folder is created by the first write. */
  constructor(rootDir: string) {
    this.root = path.resolve(rootDir);
    this.tempDir = path.join(this.root, TEMP_DIR);
    this.description = pathToFileURL(this.root).href;
  }

  async get(key: string, range?: ByteRange): Promise<GetResult | null> {
    const dir = this.keyDir(key);
    if (range !== undefined) this.checkRange(range, key);
    try {
      for (let attempt = 0; ; attempt++) {
        const state = await readKeyDir(dir);
        if (!isLiveObject(state)) return null;
        try {
          return await this.readVersion(dir, state.newest.number, range);
        } catch (error) {
          // The version was collected after a newer one appeared: read the directory again.
          if (!hasCode(error, 'ENOENT') || attempt >= MAX_RACE_ATTEMPTS) throw error;
        }
      }
    } catch (error) {
      throw this.ioError(error, 'get', key);
    }
  }

  async head(key: string): Promise<HeadResult | null> {
    const dir = this.keyDir(key);
    try {
      return await this.statLive(dir);
    } catch (error) {
      throw this.ioError(error, 'head', key);
    }
  }

  async put(key: string, body: Uint8Array, condition: WriteCondition): Promise<WriteOutcome> {
    const dir = this.keyDir(key);
    return 'ifNoneMatch' in condition ? this.create(key, dir, body) : this.replace(key, dir, body, condition.ifMatch);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListedObject[]> {
    const slash = prefix.lastIndexOf('/');
    const dirPart = prefix.slice(0, slash + 1);
    this.checkPrefix(prefix, dirPart);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const startAfter = options.startAfter ?? '';
    try {
      const candidates: string[] = [];
      await this.collectKeyDirs(dirPart, prefix.slice(slash + 1), startAfter, candidates);
      // Keys are ASCII, so JavaScript's string order is their byte order.
      candidates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const listed: ListedObject[] = [];
      for (const key of candidates) {
        if (listed.length >= limit) break;
        const live = await this.statLive(this.keyDir(key));
        if (live !== null) listed.push({ key, size: live.size });
      }
      return listed;
    } catch (error) {
      throw this.ioError(error, 'list', prefix);
    }
  }

  async delete(key: string, options: { ifMatch?: string } = {}): Promise<DeleteOutcome> {
    const dir = this.keyDir(key);
    const expected = options.ifMatch;
    let tombstoned = false;
    try {
      for (let attempt = 0; attempt < MAX_RACE_ATTEMPTS; attempt++) {
        const state = await readKeyDir(dir);
        if (!isLiveObject(state)) return expected === undefined ? { kind: 'done' } : { kind: 'not-found' };
        if (expected !== undefined && String(state.newest.number) !== expected) return { kind: 'precondition-failed' };
        const version = state.newest.number + 1;
        if (!(await this.makeTombstone(dir, version))) {
          if (expected === undefined) continue;
          return isLiveObject(await readKeyDir(dir)) ? { kind: 'precondition-failed' } : { kind: 'not-found' };
        }
        tombstoned = true;
        const after = await this.checkFloor(dir, { number: version, tombstone: true }, key, 'delete');
        if ('kind' in after) return after;
        await this.collectGarbage(dir, version, after);
        return { kind: 'done' };
      }
      return { kind: 'conflict' };
    } catch (error) {
      return this.failedWrite(error, 'delete', key, tombstoned);
    }
  }

  /** Waits for the background sweep of old temporary files; there is nothing else to release. */
  async close(): Promise<void> {
    await this.tempSweep;
  }

  private async create(key: string, dir: string, body: Uint8Array): Promise<WriteOutcome> {
    let temp: string | undefined;
    let linked = false;
    try {
      for (let attempt = 0; attempt < MAX_RACE_ATTEMPTS; attempt++) {
        const state = await readKeyDir(dir);
        if (isLiveObject(state)) return { kind: 'precondition-failed' };
        if (temp === undefined) {
          if (state === null) await mkdir(dir, { recursive: true });
          // Writing the body (with its fsync) is the slow step: read again after it, so that the link acts on
          // a fresh view and rarely lands below the floor.
          temp = await this.writeTemp(body);
          continue;
        }
        const version = (state?.newest?.number ?? 0) + 1;
        if (!(await this.linkVersion(temp, dir, version))) continue;
        linked = true;
        const after = await this.checkFloor(dir, { number: version, tombstone: false }, key, 'put');
        return 'kind' in after ? after : { kind: 'done', etag: String(version) };
      }
      // Other writers kept taking the numbers (creates and deletes alternating): the key may still be absent.
      return { kind: 'conflict' };
    } catch (error) {
      return this.failedWrite(error, 'put', key, linked);
    } finally {
      if (temp !== undefined) await unlink(temp).catch(() => undefined);
    }
  }

  private async replace(key: string, dir: string, body: Uint8Array, etag: string): Promise<WriteOutcome> {
    let temp: string | undefined;
    let linked = false;
    try {
      const refusal = replaceRefusal(await readKeyDir(dir), etag);
      if (refusal !== undefined) return refusal;
      temp = await this.writeTemp(body);
      // Check again after the slow body write, as in create.
      const fresh = await readKeyDir(dir);
      const lateRefusal = replaceRefusal(fresh, etag);
      if (lateRefusal !== undefined) return lateRefusal;
      const version = Number(etag) + 1;
      if (!(await this.linkVersion(temp, dir, version))) {
        return isLiveObject(await readKeyDir(dir)) ? { kind: 'precondition-failed' } : { kind: 'not-found' };
      }
      linked = true;
      const after = await this.checkFloor(dir, { number: version, tombstone: false }, key, 'put');
      if ('kind' in after) return after;
      if (after.versions.length > GC_AFTER_VERSIONS) await this.collectGarbage(dir, version - 1, after);
      return { kind: 'done', etag: String(version) };
    } catch (error) {
      return this.failedWrite(error, 'put', key, linked);
    } finally {
      if (temp !== undefined) await unlink(temp).catch(() => undefined);
    }
  }

  /**
   * The check that makes garbage collection safe (see the header): a version linked below the floor is
   * removed again and the write answers ambiguous. Returns the directory as read for the check otherwise.
   */
  private async checkFloor(
    dir: string,
    version: Version,
    key: string,
    operation: string,
  ): Promise<KeyState | Extract<WriteOutcome, { kind: 'ambiguous' }>> {
    const state = await readKeyDir(dir);
    if (state === null) throw new Error(`Key directory ${dir} vanished after a version was linked in it.`);
    if (version.number >= state.floor) return state;
    await removeVersion(dir, version);
    const error = new KlogError(
      'STORE_UNAVAILABLE',
      `The ${operation} of "${key}" wrote version ${version.number}, but old versions up to ${state.floor - 1} ` +
        'were collected meanwhile: either this writer was stale and its write had no effect, or its write took ' +
        'effect and was already superseded. Read the key to find out.',
      { context: { key, endpoint: this.description, operation, version: version.number, floor: state.floor } },
    );
    return { kind: 'ambiguous', error };
  }

  /** Publishes `floor`, then removes versions and floor files below it. Best effort: leftovers go next time. */
  private async collectGarbage(dir: string, floor: number, state: KeyState): Promise<void> {
    try {
      await writeFile(path.join(dir, floorName(floor)), '', { flag: 'wx' }).catch((error: unknown) => {
        if (!hasCode(error, 'EEXIST')) throw error;
      });
      for (const version of state.versions) {
        if (version.number >= floor) break;
        await removeVersion(dir, version);
      }
      for (const lower of state.floors) {
        if (lower < floor) await unlink(path.join(dir, floorName(lower))).catch(() => undefined);
      }
    } catch {
      // A failed collection leaves old versions behind, which never changes what readers see: the next
      // collection of this key removes them.
    }
  }

  /** Links the temporary file to the version name; false when another writer holds that number. */
  private async linkVersion(temp: string, dir: string, version: number): Promise<boolean> {
    try {
      await linkFile(temp, path.join(dir, versionName(version)));
      return true;
    } catch (error) {
      if (hasCode(error, 'EEXIST')) return false;
      throw error;
    }
  }

  private async makeTombstone(dir: string, version: number): Promise<boolean> {
    try {
      await mkdir(path.join(dir, versionName(version)));
      return true;
    } catch (error) {
      if (hasCode(error, 'EEXIST')) return false;
      throw error;
    }
  }

  /** Writes and fsyncs the body under a unique temporary name, so that a later link publishes it whole. */
  private async writeTemp(body: Uint8Array): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      await this.ensureTempDir();
      const temp = path.join(this.tempDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
      try {
        const handle = await open(temp, 'wx');
        try {
          await handle.writeFile(body);
          await handle.sync();
        } finally {
          await handle.close();
        }
        return temp;
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        // The folder was removed under us (a test cleaning up, a user resetting it): create it again once.
        if (!hasCode(error, 'ENOENT') || attempt > 0) throw error;
        this.tempDirReady = undefined;
      }
    }
  }

  private ensureTempDir(): Promise<void> {
    this.tempDirReady ??= mkdir(this.tempDir, { recursive: true }).then(
      () => {
        this.tempSweep ??= this.sweepTemp();
      },
      (error: unknown) => {
        // Do not cache the failure: the next write tries again (the folder may become writable).
        this.tempDirReady = undefined;
        throw error;
      },
    );
    return this.tempDirReady;
  }

  /** Removes temporary files a crashed writer left behind. Runs once per store, in the background. */
  private async sweepTemp(): Promise<void> {
    const cutoff = Date.now() - TEMP_MAX_AGE_MS;
    try {
      for (const name of await readdir(this.tempDir)) {
        const file = path.join(this.tempDir, name);
        const info = await stat(file).catch(() => undefined);
        if (info !== undefined && info.mtimeMs < cutoff) await unlink(file).catch(() => undefined);
      }
    } catch {
      // Sweeping is housekeeping; the next store opened on this folder tries again.
    }
  }

  private async readVersion(dir: string, version: number, range: ByteRange | undefined): Promise<GetResult> {
    const handle = await open(path.join(dir, versionName(version)), 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.min(range?.offset ?? 0, size);
      const end = range?.length === undefined ? size : Math.min(start + range.length, size);
      const body = new Uint8Array(end - start);
      let filled = 0;
      while (filled < body.length) {
        const { bytesRead } = await handle.read(body, filled, body.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return { body: filled === body.length ? body : body.subarray(0, filled), etag: String(version), size };
    } finally {
      await handle.close();
    }
  }

  private async statLive(dir: string): Promise<HeadResult | null> {
    for (let attempt = 0; ; attempt++) {
      const state = await readKeyDir(dir);
      if (!isLiveObject(state)) return null;
      try {
        const { size } = await stat(path.join(dir, versionName(state.newest.number)));
        return { etag: String(state.newest.number), size };
      } catch (error) {
        if (!hasCode(error, 'ENOENT') || attempt >= MAX_RACE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Gathers the keys under `dirPart + namePart` that sort after `startAfter`, from directory names only, so
   * that a LIST with a limit opens only the key directories it returns.
   */
  private async collectKeyDirs(dirPart: string, namePart: string, startAfter: string, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(this.root, dirPart), { withFileTypes: true });
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return;
      throw error;
    }
    const nested: Promise<void>[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || !entry.name.startsWith(namePart)) continue;
      if (dirPart === '' && entry.name === TEMP_DIR) continue;
      if (entry.name.endsWith(KEY_DIR_SUFFIX)) {
        const key = dirPart + entry.name.slice(0, -KEY_DIR_SUFFIX.length);
        if (key > startAfter && isValidSegment(entry.name.slice(0, -KEY_DIR_SUFFIX.length))) out.push(key);
      } else if (isValidSegment(entry.name)) {
        const subPrefix = `${dirPart}${entry.name}/`;
        // Every key under subPrefix sorts after it; skip the folder when startAfter is beyond all of them.
        if (startAfter > subPrefix && !startAfter.startsWith(subPrefix)) continue;
        nested.push(this.collectKeyDirs(subPrefix, '', startAfter, out));
      }
    }
    await Promise.all(nested);
  }

  /** The directory of a key, after checking that the key is one klog could build. */
  private keyDir(key: string): string {
    const segments = key.split('/');
    if (segments[0] === TEMP_DIR || !segments.every(isValidSegment)) {
      throw new KlogError(
        'INVALID_KEY',
        `"${key}" is not a valid object key for the filesystem store: keys are non-empty "/"-separated segments ` +
          'of [A-Za-z0-9._=-], not "." or "..", and do not start with ".tmp/". This is a bug in the caller.',
        { context: { key, endpoint: this.description } },
      );
    }
    return path.join(this.root, ...segments) + KEY_DIR_SUFFIX;
  }

  private checkPrefix(prefix: string, dirPart: string): void {
    const folders = dirPart === '' ? [] : dirPart.slice(0, -1).split('/');
    if (!PREFIX_PATTERN.test(prefix) || !folders.every(isValidSegment)) {
      throw new KlogError(
        'INVALID_KEY',
        `"${prefix}" is not a valid list prefix for the filesystem store: it must be the start of a valid key.`,
        { context: { key: prefix, endpoint: this.description } },
      );
    }
  }

  private checkRange(range: ByteRange, key: string): void {
    const lengthValid = range.length === undefined || (Number.isSafeInteger(range.length) && range.length >= 0);
    if (!Number.isSafeInteger(range.offset) || range.offset < 0 || !lengthValid) {
      throw new KlogError('INVALID_ARGUMENT', `Range ${JSON.stringify(range)} of "${key}" is not a valid byte range.`, {
        context: { key, endpoint: this.description },
      });
    }
  }

  /** A write that failed with an I/O error: retriable if nothing was linked yet, otherwise ambiguous. */
  private failedWrite(
    error: unknown,
    operation: string,
    key: string,
    linked: boolean,
  ): Extract<WriteOutcome, { kind: 'retriable' | 'ambiguous' }> {
    const failure = this.ioError(error, operation, key);
    return linked ? { kind: 'ambiguous', error: failure } : { kind: 'retriable', error: failure };
  }

  private ioError(error: unknown, operation: string, key: string): KlogError {
    if (error instanceof KlogError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    const denied = code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
    return new KlogError(
      denied ? 'STORE_ACCESS_DENIED' : 'STORE_UNAVAILABLE',
      `The filesystem store at ${this.root} failed to ${operation} "${key}" (${code ?? 'error'}): ` +
        `${(error as Error).message}. ${denied ? 'Check the folder permissions' : 'Check the disk and retry'}.`,
      { context: { key, endpoint: this.description, operation, errno: code }, cause: error },
    );
  }
}
