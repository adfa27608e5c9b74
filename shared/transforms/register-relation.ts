/**
 * Exposes a set of Delta data files to DuckDB as a typed relation: every schema column cast to its
 * DuckDB type (so Spark's INT96 or plain timestamps read as UTC instants), partition columns taken from
 * the log's `partitionValues` (the log, not the directory name, is authoritative), and an empty typed
 * table when there are no files.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StructType } from '../delta/protocol/schema.js';
import { duckType, quoteIdent, quoteLiteral } from './duck-types.js';

export interface RelationFile {
  path: string;
  partitionValues: Record<string, string | null>;
}

export interface RelationOptions {
  /** SQL predicate applied to the rows (lets DuckDB skip row groups by their statistics). */
  where?: string;
}

export async function registerRelation(
  conn: DuckDBConnection,
  name: string,
  schema: StructType,
  partitionColumns: readonly string[],
  files: readonly RelationFile[],
  options: RelationOptions = {},
): Promise<void> {
  const ident = quoteIdent(name);
  await conn.run(`DROP VIEW IF EXISTS ${ident}; DROP TABLE IF EXISTS ${ident};`);
  if (files.length === 0) {
    const columns = schema.fields.map((f) => `${quoteIdent(f.name)} ${duckType(f.type)}`).join(', ');
    await conn.run(`CREATE TEMP TABLE ${ident} (${columns})`);
    return;
  }
  const groups = new Map<string, RelationFile[]>();
  for (const file of files) {
    const key = JSON.stringify(partitionColumns.map((c) => file.partitionValues[c] ?? null));
    const group = groups.get(key);
    if (group) group.push(file);
    else groups.set(key, [file]);
  }
  const selects = [...groups.values()].map((group) => {
    const first = group[0] as RelationFile;
    const columns = schema.fields.map((f) => {
      const type = duckType(f.type);
      if (partitionColumns.includes(f.name)) {
        const value = first.partitionValues[f.name];
        return `CAST(${value === null || value === undefined ? 'NULL' : quoteLiteral(value)} AS ${type}) AS ${quoteIdent(f.name)}`;
      }
      return `CAST(${quoteIdent(f.name)} AS ${type}) AS ${quoteIdent(f.name)}`;
    });
    const list = group.map((f) => quoteLiteral(f.path)).join(', ');
    const where = options.where ? ` WHERE ${options.where}` : '';
    return `SELECT ${columns.join(', ')} FROM read_parquet([${list}], union_by_name = true)${where}`;
  });
  await conn.run(`CREATE TEMP VIEW ${ident} AS ${selects.join('\nUNION ALL\n')}`);
}
