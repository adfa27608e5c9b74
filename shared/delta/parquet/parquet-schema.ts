/**
 * Maps a Delta `StructType` to a Parquet schema: the flattened `SchemaElement` list of the footer and
 * one `LeafColumn` per primitive column (the unit Parquet stores), with the Dremel bookkeeping the
 * shredder needs.
 *
 * Mapping (Delta → Parquet):
 * - nullable → OPTIONAL, not nullable → REQUIRED (the root has no repetition);
 * - primitive types → physical type + annotations as in leaf-types.ts;
 * - struct → group; array → 3-level LIST `<name> (LIST) { repeated group list { <element> } }`;
 *   map → `<name> (MAP) { repeated group key_value { required key; optional|required value } }`.
 * - field ids come from field metadata `delta.columnMapping.id` or `parquet.field.id`.
 *
 * Levels: every OPTIONAL node and every REPEATED node adds one definition level; every REPEATED node
 * adds one repetition level. `LeafColumn.maxDef/maxRep` are the sums along the leaf's path.
 */
import type { DataType, StructField, StructType } from '../protocol/schema.js';
import { ConvertedType, Repetition } from './format-constants.js';
import type { SchemaElement } from './file-metadata.js';
import { leafAnnotations, primitiveLeafType, type LeafType } from './leaf-types.js';

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

/** One primitive column: its storage (`LeafType`) and its place in the schema tree. */
export interface LeafColumn extends LeafType {
  /** Index of the top-level field this leaf belongs to. */
  topIndex: number;
  pathInSchema: string[];
  /** Dotted path for error messages. */
  displayName: string;
  steps: PathStep[];
  maxDef: number;
  maxRep: number;
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
  const displayName = ctx.path.join('.');
  return {
    topIndex: ctx.topIndex,
    pathInSchema: ctx.path,
    displayName,
    steps: ctx.steps,
    maxDef: step.def,
    maxRep: ctx.maxRep,
    ...primitiveLeafType(type, displayName),
  };
}
