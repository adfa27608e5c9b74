/**
 * Classic single-file V1 checkpoints (PROTOCOL.md "Checkpoints") readable by Spark, delta-rs and
 * kernel-based readers.
 *
 * Invariants: the checkpoint holds exactly the reconciled state of its version (latest protocol and
 * metaData, live adds, unexpired tombstones, latest txn per appId); it is written whole with one PUT
 * (racing writers produce identical content), and `_last_checkpoint` is updated only after the
 * checkpoint file exists.
 */
import type { Snapshot } from '../snapshot/snapshot.js';
import { checkpointKey, LAST_CHECKPOINT } from '../protocol/log-path.js';
import type { StructType } from '../protocol/schema.js';
import { tableProperties } from '../protocol/table-properties.js';
import { writeParquet } from '../parquet/parquet-writer.js';
import { readLastCheckpoint } from '../snapshot/log-segment.js';

const str = (name: string) => ({ name, type: 'string' as const, nullable: true, metadata: {} });
const long = (name: string) => ({ name, type: 'long' as const, nullable: true, metadata: {} });
const int = (name: string) => ({ name, type: 'integer' as const, nullable: true, metadata: {} });
const bool = (name: string) => ({ name, type: 'boolean' as const, nullable: true, metadata: {} });
const stringMap = (name: string) => ({
  name,
  type: {
    type: 'map' as const,
    keyType: 'string' as const,
    valueType: 'string' as const,
    valueContainsNull: true,
  },
  nullable: true,
  metadata: {},
});
const stringArray = (name: string) => ({
  name,
  type: { type: 'array' as const, elementType: 'string' as const, containsNull: true },
  nullable: true,
  metadata: {},
});
const structOf = (name: string, fields: StructType['fields']) => ({
  name,
  type: { type: 'struct' as const, fields },
  nullable: true,
  metadata: {},
});

export const CHECKPOINT_SCHEMA: StructType = {
  type: 'struct',
  fields: [
    structOf('txn', [str('appId'), long('version'), long('lastUpdated')]),
    structOf('add', [
      str('path'),
      stringMap('partitionValues'),
      long('size'),
      long('modificationTime'),
      bool('dataChange'),
      stringMap('tags'),
      str('stats'),
    ]),
    structOf('remove', [
      str('path'),
      long('deletionTimestamp'),
      bool('dataChange'),
      bool('extendedFileMetadata'),
      stringMap('partitionValues'),
      long('size'),
      stringMap('tags'),
    ]),
    structOf('metaData', [
      str('id'),
      str('name'),
      str('description'),
      structOf('format', [str('provider'), stringMap('options')]),
      str('schemaString'),
      stringArray('partitionColumns'),
      stringMap('configuration'),
      long('createdTime'),
    ]),
    structOf('protocol', [
      int('minReaderVersion'),
      int('minWriterVersion'),
      stringArray('readerFeatures'),
      stringArray('writerFeatures'),
    ]),
  ],
};

export interface CheckpointResult {
  version: number;
  key: string;
  rows: number;
  sizeInBytes: number;
  numOfAddFiles: number;
}

const big = (n: number | null | undefined): bigint | null =>
  n === null || n === undefined ? null : BigInt(n);

/** Tombstones deleted at or before this time (ms) are expired: a checkpoint written at `now` drops them. */
export function tombstoneCutoff(snapshot: Snapshot, now: number): number {
  return now - tableProperties(snapshot.metadata.configuration).deletedFileRetentionMs;
}

export async function writeCheckpoint(snapshot: Snapshot, now = Date.now()): Promise<CheckpointResult> {
  const cutoff = tombstoneCutoff(snapshot, now);
  const rows: Record<string, unknown>[] = [];
  const p = snapshot.protocol;
  rows.push({
    protocol: {
      minReaderVersion: p.minReaderVersion,
      minWriterVersion: p.minWriterVersion,
      readerFeatures: p.readerFeatures ?? null,
      writerFeatures: p.writerFeatures ?? null,
    },
  });
  const m = snapshot.metadata;
  rows.push({
    metaData: {
      id: m.id,
      name: m.name ?? null,
      description: m.description ?? null,
      format: { provider: m.format.provider, options: m.format.options ?? {} },
      schemaString: m.schemaString,
      partitionColumns: m.partitionColumns,
      configuration: m.configuration,
      createdTime: big(m.createdTime),
    },
  });
  for (const t of snapshot.txns.values()) {
    rows.push({ txn: { appId: t.appId, version: BigInt(t.version), lastUpdated: big(t.lastUpdated) } });
  }
  for (const a of snapshot.files) {
    rows.push({
      add: {
        path: a.path,
        partitionValues: a.partitionValues,
        size: BigInt(a.size),
        modificationTime: BigInt(a.modificationTime),
        dataChange: false,
        tags: a.tags ?? null,
        stats: a.stats ?? null,
      },
    });
  }
  for (const r of snapshot.tombstones) {
    if ((r.deletionTimestamp ?? 0) <= cutoff) continue;
    rows.push({
      remove: {
        path: r.path,
        deletionTimestamp: big(r.deletionTimestamp),
        dataChange: r.dataChange,
        extendedFileMetadata: r.extendedFileMetadata ?? null,
        partitionValues: r.partitionValues ?? null,
        size: big(r.size),
        tags: r.tags ?? null,
      },
    });
  }
  const columns = CHECKPOINT_SCHEMA.fields.map((f) => rows.map((row) => row[f.name] ?? null));
  const bytes = writeParquet(CHECKPOINT_SCHEMA, columns, { compression: 'snappy' });
  const key = checkpointKey(snapshot.version);
  await snapshot.store.put(key, bytes);
  const lastCheckpoint = {
    version: snapshot.version,
    size: rows.length,
    sizeInBytes: bytes.length,
    numOfAddFiles: snapshot.files.length,
  };
  // Never move the hint backwards past a newer checkpoint written by a racing writer.
  const current = await readLastCheckpoint(snapshot.store);
  if (!current || current.version <= snapshot.version) {
    await snapshot.store.put(LAST_CHECKPOINT, new TextEncoder().encode(JSON.stringify(lastCheckpoint)));
  }
  return {
    version: snapshot.version,
    key,
    rows: rows.length,
    sizeInBytes: bytes.length,
    numOfAddFiles: snapshot.files.length,
  };
}
