/**
 * Maps a Delta `StructType` to a Parquet schema: the flattened `SchemaElement` list of the footer and
 * one `LeafColumn` per primitive column (the unit Parquet stores), with the Dremel bookkeeping the
 * shredder needs.
 *
 * Mapping (Delta → Parquet):
 * - nullable → OPTIONAL, not nullable → REQUIRED (the root has no repetition);
 * - string → BYTE_ARRAY STRING (UTF8); binary → BYTE_ARRAY; boolean, float, double as themselves;
 * - long → INT64; integer → INT32; short/byte → INT32 INTEGER(16|8, signed) (INT_16|INT_8);
 * - date → INT32 DATE; timestamp → INT64 TIMESTAMP(UTC, MICROS) (TIMESTAMP_MICROS);
 *   timestamp_ntz → INT64 TIMESTAMP(not UTC, MICROS) without converted type (TIMESTAMP_MICROS would
 *   claim UTC to legacy readers);
 * - decimal(p,s) → INT32 if p <= 9, INT64 if p <= 18, else FIXED_LEN_BYTE_ARRAY of the fewest bytes
 *   holding 10^p - 1 in two's complement; DECIMAL logical + converted type with scale/precision;
 * - struct → group; array → 3-level LIST `<name> (LIST) { repeated group list { <element> } }`;
 *   map → `<name> (MAP) { repeated group key_value { required key; optional|required value } }`.
 * - field ids come from field metadata `delta.columnMapping.id` or `parquet.field.id`.
 *
 * Levels: every OPTIONAL node and every REPEATED node adds one definition level; every REPEATED node
 * adds one repetition level. `LeafColumn.maxDef/maxRep` are the sums along the leaf's path.
 */
import { parseDecimal, type DataType, type StructField, type StructType } from '../protocol/schema.js';
import { ConvertedType, PhysicalType, Repetition } from './format-constants.js';
import type { SchemaElement } from './file-metadata.js';

/** How JS values of a leaf map to its physical type. */
export type LeafKind =
  | 'string'
  | 'binary'
  | 'boolean'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'date'
  | 'int64'
  | 'timestamp'
  | 'float'
  | 'double'
  | 'decimal32'
  | 'decimal64'
  | 'decimalFixed';

/**
 * One node on the path from a top-level column value to a leaf value.
 * - `access` says how this node's value is taken from its parent's value: `field` = parent[name],
 *   `self` = the parent value itself (the repeated `list` group iterates its parent array, a list
 *   element is the item), `key`/`value` = the map entry's key/value.
 * - `def` is the definition level reached when this node is present (non-null / non-empty).
 * - `rep` (repeated nodes only) is the repetition level of 2nd and later items.
 * - `container` (repeated nodes only) tells how to iterate: array items or map entries.
 */
export interface PathStep {
  name: string;
  repetition: Repetition;
  access: 'field' | 'self' | 'key' | 'value';
  def: number;
  rep: number;
  container?: 'list' | 'map';
}

export interface LeafColumn {
  /** Index of the top-level field this leaf belongs to. */
  topIndex: number;
  pathInSchema: string[];
  /** Dotted path for error messages. */
  displayName: string;
  steps: PathStep[];
  kind: LeafKind;
  physicalType: PhysicalType;
  /** FIXED_LEN_BYTE_ARRAY width (decimalFixed), else 0. */
  typeLength: number;
  precision: number;
  scale: number;
  maxDef: number;
  maxRep: number;
  /** timestamp: true (instant, UTC-adjusted); timestamp_ntz: false. Unused for other kinds. */
  adjustedToUtc: boolean;
}

export interface ParquetSchema {
  elements: SchemaElement[];
  leaves: LeafColumn[];
}

export function buildParquetSchema(schema: StructType, rootName = 'schema'): ParquetSchema {
  const elements: SchemaElement[] = [{ name: rootName, numChildren: schema.fields.length }];
  const leaves: LeafColumn[] = [];
  schema.fields.forEach((f, topIndex) => {
    const rep = f.nullable ? Repetition.OPTIONAL : Repetition.REQUIRED;
    const step: PathStep = {
      name: f.name,
      repetition: rep,
      access: 'field',
      def: rep === Repetition.OPTIONAL ? 1 : 0,
      rep: 0,
    };
    addNode(
      f.type,
      step,
      fieldId(f),
      { topIndex, path: [f.name], steps: [step], maxRep: 0 },
      elements,
      leaves,
    );
  });
  for (const leaf of leaves) {
    // Levels are stored one byte each (and the all-defined RLE run writes the level as one byte).
    if (leaf.maxDef > 255 || leaf.maxRep > 255) {
      throw new Error(`parquet: column ${leaf.displayName} is nested too deeply`);
    }
  }
  return { elements, leaves };
}

interface Ctx {
  topIndex: number;
  path: string[];
  steps: PathStep[];
  maxRep: number;
}

function addNode(
  type: DataType,
  step: PathStep,
  id: number | undefined,
  ctx: Ctx,
  elements: SchemaElement[],
  leaves: LeafColumn[],
): void {
  const base: SchemaElement = { name: step.name, repetition: step.repetition };
  if (id !== undefined) base.fieldId = id;
  if (typeof type === 'string') {
    const leaf = primitiveLeaf(type, ctx, step);
    elements.push({ ...base, ...leafAnnotations(leaf) });
    leaves.push(leaf);
    return;
  }
  if (type.type === 'struct') {
    if (type.fields.length === 0) throw new Error(`parquet: struct ${ctx.path.join('.')} has no fields`);
    elements.push({ ...base, numChildren: type.fields.length });
    for (const f of type.fields) {
      const rep = f.nullable ? Repetition.OPTIONAL : Repetition.REQUIRED;
      const child: PathStep = {
        name: f.name,
        repetition: rep,
        access: 'field',
        def: step.def + (rep === Repetition.OPTIONAL ? 1 : 0),
        rep: 0,
      };
      addNode(f.type, child, fieldId(f), extend(ctx, child), elements, leaves);
    }
    return;
  }
  if (type.type === 'array') {
    elements.push({
      ...base,
      numChildren: 1,
      convertedType: ConvertedType.LIST,
      logicalType: { kind: 'LIST' },
    });
    const maxRep = ctx.maxRep + 1;
    const list: PathStep = {
      name: 'list',
      repetition: Repetition.REPEATED,
      access: 'self',
      def: step.def + 1,
      rep: maxRep,
      container: 'list',
    };
    elements.push({ name: 'list', repetition: Repetition.REPEATED, numChildren: 1 });
    const elRep = type.containsNull ? Repetition.OPTIONAL : Repetition.REQUIRED;
    const element: PathStep = {
      name: 'element',
      repetition: elRep,
      access: 'self',
      def: list.def + (elRep === Repetition.OPTIONAL ? 1 : 0),
      rep: 0,
    };
    const listCtx = { ...extend(ctx, list), maxRep };
    addNode(type.elementType, element, undefined, extend(listCtx, element), elements, leaves);
    return;
  }
  // map
  elements.push({ ...base, numChildren: 1, convertedType: ConvertedType.MAP, logicalType: { kind: 'MAP' } });
  const maxRep = ctx.maxRep + 1;
  const kv: PathStep = {
    name: 'key_value',
    repetition: Repetition.REPEATED,
    access: 'self',
    def: step.def + 1,
    rep: maxRep,
    container: 'map',
  };
  elements.push({ name: 'key_value', repetition: Repetition.REPEATED, numChildren: 2 });
  const kvCtx = { ...extend(ctx, kv), maxRep };
  const key: PathStep = { name: 'key', repetition: Repetition.REQUIRED, access: 'key', def: kv.def, rep: 0 };
  addNode(type.keyType, key, undefined, extend(kvCtx, key), elements, leaves);
  const valRep = type.valueContainsNull ? Repetition.OPTIONAL : Repetition.REQUIRED;
  const value: PathStep = {
    name: 'value',
    repetition: valRep,
    access: 'value',
    def: kv.def + (valRep === Repetition.OPTIONAL ? 1 : 0),
    rep: 0,
  };
  addNode(type.valueType, value, undefined, extend(kvCtx, value), elements, leaves);
}

function extend(ctx: Ctx, step: PathStep): Ctx {
  // The top-level step is already in ctx; children append theirs.
  return { ...ctx, path: [...ctx.path, step.name], steps: [...ctx.steps, step] };
}

function fieldId(f: StructField): number | undefined {
  const md = f.metadata ?? {};
  const raw = md['delta.columnMapping.id'] ?? md['parquet.field.id'];
  return typeof raw === 'number' && Number.isInteger(raw) ? raw : undefined;
}

function primitiveLeaf(type: string, ctx: Ctx, step: PathStep): LeafColumn {
  const common = {
    topIndex: ctx.topIndex,
    pathInSchema: ctx.path,
    displayName: ctx.path.join('.'),
    steps: ctx.steps,
    typeLength: 0,
    precision: 0,
    scale: 0,
    maxDef: step.def,
    maxRep: ctx.maxRep,
    adjustedToUtc: true,
  };
  switch (type) {
    case 'string':
      return { ...common, kind: 'string', physicalType: PhysicalType.BYTE_ARRAY };
    case 'binary':
      return { ...common, kind: 'binary', physicalType: PhysicalType.BYTE_ARRAY };
    case 'boolean':
      return { ...common, kind: 'boolean', physicalType: PhysicalType.BOOLEAN };
    case 'integer':
      return { ...common, kind: 'int32', physicalType: PhysicalType.INT32 };
    case 'short':
      return { ...common, kind: 'int16', physicalType: PhysicalType.INT32 };
    case 'byte':
      return { ...common, kind: 'int8', physicalType: PhysicalType.INT32 };
    case 'date':
      return { ...common, kind: 'date', physicalType: PhysicalType.INT32 };
    case 'long':
      return { ...common, kind: 'int64', physicalType: PhysicalType.INT64 };
    case 'timestamp':
      return { ...common, kind: 'timestamp', physicalType: PhysicalType.INT64 };
    case 'timestamp_ntz':
      return { ...common, kind: 'timestamp', physicalType: PhysicalType.INT64, adjustedToUtc: false };
    case 'float':
      return { ...common, kind: 'float', physicalType: PhysicalType.FLOAT };
    case 'double':
      return { ...common, kind: 'double', physicalType: PhysicalType.DOUBLE };
  }
  const dec = parseDecimal(type as DataType);
  if (!dec) throw new Error(`parquet: unsupported type ${type} for column ${common.displayName}`);
  const { precision, scale } = dec;
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    throw new Error(`parquet: invalid ${type} for column ${common.displayName}`);
  }
  if (precision <= 9)
    return { ...common, kind: 'decimal32', physicalType: PhysicalType.INT32, precision, scale };
  if (precision <= 18)
    return { ...common, kind: 'decimal64', physicalType: PhysicalType.INT64, precision, scale };
  return {
    ...common,
    kind: 'decimalFixed',
    physicalType: PhysicalType.FIXED_LEN_BYTE_ARRAY,
    typeLength: decimalByteWidth(precision),
    precision,
    scale,
  };
}

/** The fewest bytes n with 10^precision - 1 <= 2^(8n-1) - 1. */
export function decimalByteWidth(precision: number): number {
  const max = 10n ** BigInt(precision) - 1n;
  let n = 1;
  while ((1n << BigInt(8 * n - 1)) - 1n < max) n++;
  return n;
}

function leafAnnotations(leaf: LeafColumn): Partial<SchemaElement> {
  const t = { type: leaf.physicalType };
  switch (leaf.kind) {
    case 'string':
      return { ...t, convertedType: ConvertedType.UTF8, logicalType: { kind: 'STRING' } };
    case 'int16':
      return {
        ...t,
        convertedType: ConvertedType.INT_16,
        logicalType: { kind: 'INTEGER', bitWidth: 16, isSigned: true },
      };
    case 'int8':
      return {
        ...t,
        convertedType: ConvertedType.INT_8,
        logicalType: { kind: 'INTEGER', bitWidth: 8, isSigned: true },
      };
    case 'date':
      return { ...t, convertedType: ConvertedType.DATE, logicalType: { kind: 'DATE' } };
    case 'timestamp':
      return leaf.adjustedToUtc
        ? {
            ...t,
            convertedType: ConvertedType.TIMESTAMP_MICROS,
            logicalType: { kind: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
          }
        : { ...t, logicalType: { kind: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } };
    case 'decimal32':
    case 'decimal64':
    case 'decimalFixed':
      return {
        ...t,
        ...(leaf.typeLength ? { typeLength: leaf.typeLength } : {}),
        convertedType: ConvertedType.DECIMAL,
        scale: leaf.scale,
        precision: leaf.precision,
        logicalType: { kind: 'DECIMAL', scale: leaf.scale, precision: leaf.precision },
      };
    default:
      return t;
  }
}
