/**
 * Local paths of a table's data files, for DuckDB's `read_parquet`. Files of a lake on the local file
 * system are read in place; files of any other store (Azure Blob, memory) are downloaded once into
 * the run's temporary directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Add } from '../delta/protocol/actions.js';
import { resolveActionPath } from '../delta/protocol/paths.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { mapLimit } from '../delta/map-limit.js';

export interface FileLocator {
  /** Local paths of `adds` of the table at `tablePath` (relative to the lake root), in order. */
  paths(tablePath: string, table: ObjectStore, adds: readonly Add[]): Promise<string[]>;
}

/** `lakeRoot`: the lake's local directory when it is on the local file system, else undefined. */
export function fileLocator(lakeRoot: string | undefined, downloadDir: string, concurrency = 8): FileLocator {
  const downloaded = new Map<string, string>();
  return {
    async paths(tablePath, table, adds) {
      const out = new Array<string>(adds.length);
      const pending: { index: number; key: string }[] = [];
      adds.forEach((add, index) => {
        const resolved = resolveActionPath(add.path);
        if (resolved.kind === 'absolute') {
          if (!resolved.uri.startsWith('file://'))
            throw new Error(`cannot read absolute data file ${resolved.uri} of ${tablePath}`);
          out[index] = fileURLToPath(resolved.uri);
        } else if (lakeRoot !== undefined) {
          out[index] = join(lakeRoot, tablePath, resolved.path);
        } else {
          const cached = downloaded.get(`${tablePath}/${resolved.path}`);
          if (cached !== undefined) out[index] = cached;
          else pending.push({ index, key: resolved.path });
        }
      });
      if (pending.length > 0) {
        const dir = join(downloadDir, tablePath.replace(/[^A-Za-z0-9_-]/g, '_'));
        await mkdir(dir, { recursive: true });
        await mapLimit(pending, concurrency, async (item) => {
          const bytes = await table.get(item.key);
          if (!bytes) throw new Error(`data file ${item.key} of ${tablePath} is missing`);
          const path = join(dir, `${randomUUID()}.parquet`);
          await writeFile(path, bytes);
          downloaded.set(`${tablePath}/${item.key}`, path);
          out[item.index] = path;
        });
      }
      return out;
    },
  };
}
