/**
 * An `ObjectStore` on a local (POSIX) filesystem directory.
 *
 * Invariant: an object is visible under its final name only once all of its bytes are durable.
 * - `put` writes `<dir>/.<name>.<uuid>.tmp`, fsyncs it and renames it over the final name (rename
 *   replaces atomically, which is what an overwrite wants).
 * - `putIfAbsent` writes and fsyncs the same kind of temp file, then `link()`s it to the final name.
 *   `link` fails with EEXIST when the name exists, so exactly one of any number of racing processes
 *   wins, and the winner's name points at a complete file. `rename` is not used: it overwrites on POSIX.
 *   `open(final, 'wx')` is not used either: it is exclusive, but readers could see a partial file.
 * - Both fsync the directory afterwards, so the new name survives a crash.
 * Temp files are hidden from `list` (see `store-rules.ts`), so a crashed writer's leftover is never
 * mistaken for an object. Filesystems without hard links (SMB/Azure Files, blobfuse and other FUSE
 * mounts) cannot give this guarantee; `putIfAbsent` fails there rather than commit unsafely.
 */
import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { link, mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from './object-store.js';
import { NotFoundError } from './object-store.js';
import { StoreError, type StoreOperation } from './store-error.js';
import {
  bytesEqual,
  checkKey,
  checkPrefix,
  clampRange,
  compareKeys,
  isTempObjectKey,
} from './store-rules.js';

export class LocalFsStore implements ObjectStore {
  readonly description: string;
  readonly root: string;
  /** Directories this store has created or seen: a write into one skips the mkdir round trip. */
  readonly #knownDirs = new Set<string>();

  /** `root` is created on the first write; relative paths resolve against the current directory. */
  constructor(root: string) {
    this.root = resolve(root);
    this.description = pathToFileURL(this.root).href;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const path = this.#path(key);
    try {
      return asUint8Array(await readFile(path));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.#fail('get', key, error);
    }
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const path = this.#path(key);
    let handle;
    try {
      handle = await open(path, 'r');
      const { size } = await handle.stat();
      const range = clampRange(this.description, key, start, end, size);
      const out = new Uint8Array(range.end - range.start);
      let filled = 0;
      while (filled < out.byteLength) {
        const { bytesRead } = await handle.read(out, filled, out.byteLength - filled, range.start + filled);
        if (bytesRead === 0) break; // truncated underneath us: return what exists
        filled += bytesRead;
      }
      return filled === out.byteLength ? out : out.subarray(0, filled);
    } catch (error) {
      if (isMissing(error)) throw new NotFoundError(this.description, key);
      if (error instanceof RangeError) throw error;
      throw this.#fail('getRange', key, error);
    } finally {
      await handle?.close();
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const path = this.#path(key);
    try {
      const s = await stat(path);
      return s.isFile() ? { key, size: s.size, lastModified: Math.floor(s.mtimeMs) } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.#fail('head', key, error);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectMeta[]> {
    checkPrefix(this.description, prefix);
    const slash = prefix.lastIndexOf('/');
    const out: ObjectMeta[] = [];
    try {
      await this.#walk(
        slash < 0 ? '' : prefix.slice(0, slash),
        prefix,
        options.startAfterOrAt,
        out,
        options.endBefore,
      );
    } catch (error) {
      throw this.#fail('list', prefix, error);
    }
    return out.sort((a, b) => compareKeys(a.key, b.key));
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const path = this.#path(key);
    try {
      const temp = tempPathFor(path);
      try {
        await this.#writeDurably(temp, data);
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await syncDirectory(dirname(path));
    } catch (error) {
      throw this.#fail('put', key, error);
    }
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<PutIfAbsentResult> {
    const path = this.#path(key);
    const temp = tempPathFor(path);
    try {
      await this.#writeDurably(temp, data);
      let created: boolean;
      try {
        await link(temp, path);
        created = true;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw linkFailure(error);
        created = false;
      } finally {
        await unlink(temp).catch((error: unknown) => {
          if (!isMissing(error)) throw error;
        });
      }
      await syncDirectory(dirname(path));
      if (created) return { kind: 'created' };
      // The final name is complete (it was linked from a fsynced file), so reading it is safe.
      const existing = asUint8Array(await readFile(path));
      return { kind: bytesEqual(existing, data) ? 'created' : 'exists' };
    } catch (error) {
      throw this.#fail('putIfAbsent', key, error);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    try {
      await unlink(path);
    } catch (error) {
      if (isMissing(error)) return;
      throw this.#fail('delete', key, error);
    }
  }

  /**
   * Writes and fsyncs a new file, creating its directory the first time this store writes there
   * (and again if it has been removed since: a missing directory fails the open with ENOENT).
   */
  async #writeDurably(path: string, data: Uint8Array): Promise<void> {
    const dir = dirname(path);
    if (!this.#knownDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#knownDirs.add(dir);
    }
    try {
      await writeDurably(path, data);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      await mkdir(dir, { recursive: true });
      await writeDurably(path, data);
    }
  }

  #path(key: string): string {
    checkKey(this.description, key);
    return join(this.root, ...key.split('/'));
  }

  /** Collects files under directory key `dirKey` whose keys start with `prefix`. */
  async #walk(
    dirKey: string,
    prefix: string,
    from: string | undefined,
    out: ObjectMeta[],
    until?: string,
  ): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dirKey === '' ? this.root : join(this.root, ...dirKey.split('/')), {
        withFileTypes: true,
      });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await Promise.all(
      entries.map(async (entry) => {
        const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
        if (entry.isDirectory()) {
          const asDir = `${key}/`;
          // Descend only where a match can be: the prefix lies inside, or the directory inside the prefix.
          if (asDir.startsWith(prefix) || prefix.startsWith(asDir))
            await this.#walk(key, prefix, from, out, until);
          return;
        }
        if (!entry.isFile() || !key.startsWith(prefix) || isTempObjectKey(key)) return;
        if (from !== undefined && compareKeys(key, from) < 0) return;
        if (until !== undefined && compareKeys(key, until) >= 0) return;
        try {
          const s = await stat(join(this.root, ...key.split('/')));
          out.push({ key, size: s.size, lastModified: Math.floor(s.mtimeMs) });
        } catch (error) {
          if (!isMissing(error)) throw error; // deleted while listing: it is simply not there
        }
      }),
    );
  }

  #fail(operation: StoreOperation, key: string, cause: unknown, reason?: string): StoreError {
    const detail = reason ?? (cause instanceof Error ? cause.message : String(cause));
    return new StoreError(this.description, operation, key, detail, { cause });
  }
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
}

async function writeDurably(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a new directory entry durable. Platforms that cannot open a directory (Windows) skip it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** SMB/Azure Files and FUSE mounts refuse hard links; say why instead of a bare errno. */
function linkFailure(error: unknown): unknown {
  const code = errorCode(error);
  if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') return error;
  return new Error(`hard links are not supported here (${code}), so a create-only write cannot be atomic`, {
    cause: error,
  });
}

function asUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The key names nothing readable: absent, a directory, or under a path component that is a file. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
