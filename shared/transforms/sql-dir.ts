/**
 * Where the transform SQL files live. `tsc` does not copy them to dist/, so the directory is found
 * next to this module (source runs, tests) or, from a built module, at the same place in the source
 * tree of the package root (the nearest ancestor with a package.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULE_DIR = dirname(fileURLToPath(import.meta.url));
const MARKER = '00_master.sql';

/** The directory holding the numbered `*.sql` files. */
export function sqlDir(): string {
  const beside = join(MODULE_DIR, 'sql');
  if (existsSync(join(beside, MARKER))) return beside;
  for (let dir = MODULE_DIR; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const direct = join(dir, 'shared', 'transforms', 'sql');
      if (existsSync(join(direct, MARKER))) return direct;
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error(`transform SQL files not found (looked beside ${MODULE_DIR} and under the package root)`);
}

const cache = new Map<string, string>();

/** Text of one SQL file by name, e.g. `20_silver.sql`. */
export function readSql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(sqlDir(), name), 'utf8');
    cache.set(name, text);
  }
  return text;
}
