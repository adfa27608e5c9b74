/**
 * What an expectation type is to the engine: a compiler from kwargs to SQL over a registered table.
 *
 * - `map`: row-level (GE's column map / pair / multicolumn map expectations). `domain` selects the rows
 *   considered (GE drops missing values before testing), `unexpected` flags the failing ones among them;
 *   both are SQL predicates over `source` (default: the table's `$raw` view, so `__file`/`__row` are
 *   there and drop can find the rows). `value` is what partial_unexpected_list shows per row.
 * - `aggregate`: one query returning one row `{ observed, success }` (plus optional extra result fields).
 * - `static`: decided from the schema alone (column exists, columns match set, of type).
 */
import type { StructType } from '../../delta/protocol/schema.js';
import type { JsonValue, Kwargs } from '../suite.js';

export interface CompileContext {
  kwargs: Kwargs;
  /** The validated table: quoted clean view, quoted raw view, schema. */
  ref: string;
  raw: string;
  schema: StructType;
  /** Quoted view of another registered table (e.g. silver/sales_lines); throws KwargError when absent. */
  tableRef(name: string): string;
}

export type Compiled =
  | {
      kind: 'map';
      source?: string;
      domain: string;
      unexpected: string;
      value: string;
      /** ORDER BY for samples; default `__ord, __row` (table order). */
      order?: string;
      /** The rows are the validated table's (drop can move them); false for e.g. per-store rows. */
      tableRows?: boolean;
    }
  | { kind: 'aggregate'; sql: string }
  | { kind: 'static'; success: boolean; result: Record<string, JsonValue> };

export interface ExpectationDefinition {
  type: string;
  /** Row-level on the validated table's rows: can be `drop`. */
  rowLevel: boolean;
  /** Other tables the kwargs reference (registered before compiling). */
  tables?: (kwargs: Kwargs) => string[];
  compile(ctx: CompileContext): Compiled;
}
