/**
 * A DuckDB connection with Delta snapshots registered as SQL views.
 *
 * Invariant: a registered table is exactly the snapshot's live files (our log decides what is in the
 * table, never a directory listing), with partition columns materialised from `add.partitionValues` and
 * columns missing from older files read as NULL. Each table gets two views:
 *   "<name>"      the table's columns in schema order;
 *   "<name>$raw"  the same plus `__file` (local path of the data file), `__ord` (the file's position in
 *                 the snapshot) and `__row` (row number inside the file): they identify a row for
 *                 quarantine and keep unexpected samples in table order.
 * Files of non-local stores are downloaded to a temp directory that `close()` removes.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Add } from '../delta/protocol/actions.js';
import { resolveActionPath } from '../delta/protocol/paths.js';
import type { StructType } from '../delta/protocol/schema.js';
import { loadSnapshot, type Snapshot } from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { duckType } from './duck-types.js';
import { ident, str } from './sql.js';

export type SqlRow = Record<string, unknown>;

export interface RegisteredTable {
  name: string;
  snapshot: Snapshot;
  version: number;
  schema: StructType;
  /** Quoted view names. */
  ref: string;
  raw: string;
  /** Local path (as in `__file`) → the add action it came from. */
  files: ReadonlyMap<string, Add>;
}

export interface RegisterOptions {
  version?: number;
  /** For absolute file URIs in the log that are not `file://`. */
  resolveAbsolute?: (uri: string) => { store: ObjectStore; key: string } | undefined;
}

export class DqSession {
  private readonly tables = new Map<string, RegisteredTable>();
  private tempDir: string | undefined;
  private downloads = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: { threads?: number } = {}): Promise<DqSession> {
    const instance = await DuckDBInstance.create(
      ':memory:',
      options.threads ? { threads: String(options.threads) } : {},
    );
    const connection = await instance.connect();
    await connection.run(`SET TimeZone='UTC'`);
    return new DqSession(instance, connection);
  }

  table(name: string): RegisteredTable | undefined {
    return this.tables.get(name);
  }

  registered(): RegisteredTable[] {
    return [...this.tables.values()];
  }

  /** Registers the snapshot of `store` (latest, or `version`) under `name`; re-registering replaces it. */
  async registerTable(
    name: string,
    store: ObjectStore,
    options: RegisterOptions = {},
  ): Promise<RegisteredTable> {
    const snapshot = await loadSnapshot(
      store,
      options.version === undefined ? {} : { version: options.version },
    );
    return this.registerSnapshot(name, snapshot, options);
  }

  async registerSnapshot(
    name: string,
    snapshot: Snapshot,
    options: RegisterOptions = {},
  ): Promise<RegisteredTable> {
    const files = new Map<string, Add>();
    for (const add of snapshot.files) files.set(await this.localPath(snapshot.store, add, options), add);
    const ref = ident(name);
    const raw = ident(`${name}$raw`);
    const schema = snapshot.schema;
    const parts = snapshot.partitionColumns;
    const fileTable = ident(`${name}$files`);
    if (files.size === 0) {
      const cols = schema.fields.map((f) => `CAST(NULL AS ${duckType(f.type)}) AS ${ident(f.name)}`);
      await this.run(
        `CREATE OR REPLACE VIEW ${raw} AS SELECT ${[...cols, 'NULL::VARCHAR AS __file', 'NULL::BIGINT AS __ord', 'NULL::BIGINT AS __row'].join(', ')} WHERE false`,
      );
    } else {
      const list = `[${[...files.keys()].map((p) => str(p)).join(', ')}]`;
      const source = `read_parquet(${list}, filename = true, file_row_number = true, union_by_name = true)`;
      const present = new Set(
        (await this.query(`DESCRIBE SELECT * FROM ${source}`)).map((r) => String(r['column_name'])),
      );
      const rows = [...files].map(([path, add], ordinal) => {
        const values = parts.map((p) => {
          const v = add.partitionValues[p];
          const type = schema.fields.find((f) => f.name === p)?.type ?? 'string';
          return v === null || v === undefined ? 'NULL' : `CAST(${str(v)} AS ${duckType(type)})`;
        });
        return `(${[str(path), String(ordinal), ...values].join(', ')})`;
      });
      await this.run(
        `CREATE OR REPLACE TABLE ${fileTable} AS SELECT * FROM (VALUES ${rows.join(', ')}) AS v(${['__file', '__ord', ...parts.map((p) => ident(p))].join(', ')})`,
      );
      const cols = schema.fields.map((f) => {
        if (parts.includes(f.name)) return `p.${ident(f.name)}`;
        if (present.has(f.name)) return `d.${ident(f.name)}`;
        return `CAST(NULL AS ${duckType(f.type)}) AS ${ident(f.name)}`;
      });
      await this.run(
        `CREATE OR REPLACE VIEW ${raw} AS SELECT ${[...cols, 'd.filename AS __file', 'p.__ord AS __ord', 'd.file_row_number AS __row'].join(', ')} FROM ${source} d JOIN ${fileTable} p ON d.filename = p.__file`,
      );
    }
    await this.run(`CREATE OR REPLACE VIEW ${ref} AS SELECT * EXCLUDE (__file, __ord, __row) FROM ${raw}`);
    const table: RegisteredTable = { name, snapshot, version: snapshot.version, schema, ref, raw, files };
    this.tables.set(name, table);
    return table;
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Rows as objects; BIGINT/HUGEINT/DECIMAL arrive as strings, DOUBLE as numbers (JSON-safe). */
  async query(sql: string): Promise<SqlRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson();
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.tempDir !== undefined) await rm(this.tempDir, { recursive: true, force: true });
  }

  private async localPath(store: ObjectStore, add: Add, options: RegisterOptions): Promise<string> {
    const resolved = resolveActionPath(add.path);
    let source: { store: ObjectStore; key: string };
    if (resolved.kind === 'absolute') {
      if (resolved.uri.startsWith('file://')) return fileURLToPath(encodeFileUri(resolved.uri));
      const abs = options.resolveAbsolute?.(resolved.uri);
      if (!abs) throw new Error(`cannot resolve absolute data file ${resolved.uri} of ${store.description}`);
      source = abs;
    } else {
      if (store.description.startsWith('file://')) {
        const root = fileURLToPath(store.description);
        const candidate = join(root, ...resolved.path.split('/'));
        if (existsSync(candidate) && statSync(candidate).size === add.size) return candidate;
      }
      source = { store, key: resolved.path };
    }
    const bytes = await source.store.get(source.key);
    if (!bytes) throw new Error(`data file ${source.key} of ${source.store.description} is missing`);
    this.tempDir ??= await mkdtemp(join(tmpdir(), 'dq-'));
    const target = join(this.tempDir, String(this.downloads++), 'part.parquet');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
    return target;
  }
}

/** `file://` + a decoded path, re-encoded so fileURLToPath accepts '%', '#' and '?' in names. */
function encodeFileUri(uri: string): string {
  const path = uri.slice('file://'.length);
  return `file://${path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/')}`;
}
