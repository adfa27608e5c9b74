/**
 * What this library can read and write. Invariant: a table is read only if every reader requirement
 * it declares is implemented here; otherwise `UnsupportedFeatureError` names the first missing one, so
 * a table is never read wrongly.
 */
import { UnsupportedFeatureError, DeltaError } from '../errors.js';
import type { Metadata, Protocol } from './actions.js';
import type { DataType, StructType } from './schema.js';

/** Reader features whose read path needs nothing from us. */
const SUPPORTED_READER_FEATURES = new Set(['vacuumProtocolCheck']);
/** Writer features we honour at writer version 7. */
const SUPPORTED_WRITER_FEATURES = new Set(['appendOnly', 'invariants']);

export function checkReadSupport(
  protocol: Protocol,
  metadata: Metadata,
  schema: StructType,
  table: string,
): void {
  const { minReaderVersion } = protocol;
  if (!Number.isInteger(minReaderVersion) || minReaderVersion < 1 || minReaderVersion > 3) {
    throw new DeltaError(
      'InvalidProtocol',
      `unsupported minReaderVersion ${minReaderVersion} in table ${table}`,
      {
        table,
      },
    );
  }
  const mode = metadata.configuration['delta.columnMapping.mode'];
  if (minReaderVersion === 2 || (mode !== undefined && mode !== 'none')) {
    throw new UnsupportedFeatureError('columnMapping', table);
  }
  if (minReaderVersion === 3) {
    for (const feature of protocol.readerFeatures ?? []) {
      if (!SUPPORTED_READER_FEATURES.has(feature)) throw new UnsupportedFeatureError(feature, table);
    }
  }
  if (containsType(schema, 'timestamp_ntz')) throw new UnsupportedFeatureError('timestampNtz', table);
  if (schemaHasVariant(schema)) throw new UnsupportedFeatureError('variantType', table);
}

/** Throws unless this library may commit to the table (writer version 2, or 7 with known features). */
export function checkWriteSupport(protocol: Protocol, table: string): void {
  const { minWriterVersion } = protocol;
  if (minWriterVersion <= 2) return;
  if (minWriterVersion === 7) {
    const unknown = (protocol.writerFeatures ?? []).filter((f) => !SUPPORTED_WRITER_FEATURES.has(f));
    if (unknown.length === 0) return;
    throw new DeltaError(
      'UnsupportedFeature',
      `cannot write table ${table}: unsupported writer feature \`${unknown[0] ?? ''}\``,
      { table, feature: unknown[0] ?? '' },
    );
  }
  throw new DeltaError(
    'UnsupportedFeature',
    `cannot write table ${table}: minWriterVersion ${minWriterVersion}`,
    {
      table,
      feature: `writerVersion${minWriterVersion}`,
    },
  );
}

function containsType(type: DataType, name: string): boolean {
  if (typeof type === 'string') return type === name;
  switch (type.type) {
    case 'struct':
      return type.fields.some((f) => containsType(f.type, name));
    case 'array':
      return containsType(type.elementType, name);
    case 'map':
      return containsType(type.keyType, name) || containsType(type.valueType, name);
  }
}

function schemaHasVariant(schema: StructType): boolean {
  return containsType(schema, 'variant');
}
