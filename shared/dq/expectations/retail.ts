/**
 * The retail rule pack: custom expectation types no generic tool ships, compiled to SQL like GE's own.
 *
 * Every table and column name is a kwarg with the Silver contract's name as default (issue 5; Bronze
 * names from shared/ingest/bronze-tables.ts, master data from shared/batch-load/master-tables.ts), so a
 * suite can be re-pointed without code. Money is compared with an absolute `tolerance` in currency
 * units. Master data tables are append-only snapshots: the latest row per store by `loaded_at` wins.
 *
 * | type                                              | element            | unexpected when                                   |
 * |---------------------------------------------------|--------------------|---------------------------------------------------|
 * | expect_basket_line_totals_to_sum_to_subtotal      | transaction        | |Σ line_total − subtotal| > tolerance (default 0)   |
 * | expect_basket_total_to_equal_subtotal_plus_tax    | transaction        | |subtotal + tax − total| > tolerance (0.01)        |
 * | expect_tenders_to_reconcile_with_total            | transaction        | |Σ tender amount − total| > tolerance (0)          |
 * | expect_refunds_to_reference_existing_sale         | refund transaction | no original, original not a sale, or Σ refunds of it > its total |
 * | expect_transactions_within_trading_hours          | transaction        | unknown store, or store-local time outside [open_hour, close_hour) |
 * | expect_store_events_to_be_fresh                   | open store         | no event for more than max_silence_minutes before as_of |
 * | expect_daily_streamed_total_to_match_history      | store × day        | |streamed − history| > max_variance × |history|   |
 *   (streamed: Σ amount, refunds negative, rows with `exclude_column` true left out, e.g. is_voided)
 */
import { ident, literal, str } from '../sql.js';
import type { Kwargs } from '../suite.js';
import type { CompileContext, Compiled, ExpectationDefinition } from './expectation-definition.js';
import { numberArg, optionalString, stringArg } from './kwargs.js';

const c = (kwargs: Kwargs, name: string, fallback: string) => ident(stringArg(kwargs, name, fallback));
const money = (kwargs: Kwargs, name: string, fallback: number) =>
  `${numberArg(kwargs, name, fallback)}::DECIMAL(18,4)`;

/** Latest store master row per store: tz, open and close hours. */
function storesSql(ctx: CompileContext): string {
  const k = ctx.kwargs;
  const stores = ctx.tableRef(stringArg(k, 'stores_table', 'bronze/stores'));
  const id = c(k, 'stores_key_column', 'store_id');
  const loaded = optionalString(k, 'stores_loaded_at_column') ?? 'loaded_at';
  const pick = (col: string) => (loaded === '' ? `any_value(${col})` : `arg_max(${col}, ${ident(loaded)})`);
  return (
    `SELECT ${id} AS __dq_store, ${pick(c(k, 'time_zone_column', 'time_zone'))} AS __dq_tz, ` +
    `${pick(c(k, 'open_hour_column', 'open_hour'))} AS __dq_open, ${pick(c(k, 'close_hour_column', 'close_hour'))} AS __dq_close ` +
    `FROM ${stores} GROUP BY ${id}`
  );
}

/** SQL: is the local minute-of-day `m` inside [open, close) (overnight when close < open; always when unset). */
function openAt(m: string): string {
  return (
    `(__dq_open IS NULL OR __dq_close IS NULL OR __dq_open = __dq_close OR ` +
    `CASE WHEN __dq_open < __dq_close THEN ${m} >= __dq_open * 60 AND ${m} < __dq_close * 60 ` +
    `ELSE ${m} >= __dq_open * 60 OR ${m} < __dq_close * 60 END)`
  );
}

/** ` AND <type_column> NOT IN (...)` for the optional `type_column` + `skip_types` kwargs. */
function skipTypes(k: Kwargs): string {
  const types = k['skip_types'];
  if (!Array.isArray(types) || types.length === 0) return '';
  const list = types.map((t) => `'${(typeof t === 'string' ? t : JSON.stringify(t)).replaceAll("'", "''")}'`).join(', ');
  return ` AND (${c(k, 'type_column', 'event_type')} IS NULL OR ${c(k, 'type_column', 'event_type')} NOT IN (${list}))`;
}

export const RETAIL_EXPECTATIONS: ExpectationDefinition[] = [
  {
    type: 'expect_basket_line_totals_to_sum_to_subtotal',
    rowLevel: true,
    tables: (k) => [stringArg(k, 'lines_table', 'silver/sales_lines')],
    compile(ctx): Compiled {
      const k = ctx.kwargs;
      const key = c(k, 'key_column', 'transaction_id');
      const lines = ctx.tableRef(stringArg(k, 'lines_table', 'silver/sales_lines'));
      const subtotal = c(k, 'subtotal_column', 'subtotal');
      return {
        kind: 'map',
        source: `SELECT t.*, COALESCE(l.__dq_sum, 0) AS __dq_lines FROM ${ctx.raw} t LEFT JOIN (SELECT ${c(k, 'lines_key_column', 'transaction_id')} AS __dq_key, sum(${c(k, 'line_total_column', 'line_total')}) AS __dq_sum FROM ${lines} GROUP BY 1) l ON t.${key} = l.__dq_key`,
        // Rows of the listed types carry no lines of their own (a void references its sale): skipped.
        domain: `${subtotal} IS NOT NULL${skipTypes(k)}`,
        unexpected: `abs(__dq_lines - ${subtotal}) > ${money(k, 'tolerance', 0)}`,
        value: `struct_pack(${key} := ${key}, subtotal := ${subtotal}, lines_total := __dq_lines)`,
      };
    },
  },
  {
    type: 'expect_basket_total_to_equal_subtotal_plus_tax',
    rowLevel: true,
    compile(ctx): Compiled {
      const k = ctx.kwargs;
      const [sub, tax, total] = [
        c(k, 'subtotal_column', 'subtotal'),
        c(k, 'tax_column', 'tax'),
        c(k, 'total_column', 'total'),
      ];
      const key = c(k, 'key_column', 'transaction_id');
      return {
        kind: 'map',
        domain: `${sub} IS NOT NULL AND ${tax} IS NOT NULL AND ${total} IS NOT NULL`,
        unexpected: `abs(${sub} + ${tax} - ${total}) > ${money(k, 'tolerance', 0.01)}`,
        value: `struct_pack(${key} := ${key}, subtotal := ${sub}, tax := ${tax}, total := ${total})`,
      };
    },
  },
  {
    type: 'expect_tenders_to_reconcile_with_total',
    rowLevel: true,
    tables: (k) => [stringArg(k, 'tenders_table', 'silver/tenders')],
    compile(ctx): Compiled {
      const k = ctx.kwargs;
      const key = c(k, 'key_column', 'transaction_id');
      const total = c(k, 'total_column', 'total');
      const tenders = ctx.tableRef(stringArg(k, 'tenders_table', 'silver/tenders'));
      return {
        kind: 'map',
        source: `SELECT t.*, COALESCE(x.__dq_sum, 0) AS __dq_tendered FROM ${ctx.raw} t LEFT JOIN (SELECT ${c(k, 'tenders_key_column', 'transaction_id')} AS __dq_key, sum(${c(k, 'amount_column', 'amount')}) AS __dq_sum FROM ${tenders} GROUP BY 1) x ON t.${key} = x.__dq_key`,
        domain: `${total} IS NOT NULL`,
        unexpected: `abs(__dq_tendered - ${total}) > ${money(k, 'tolerance', 0)}`,
        value: `struct_pack(${key} := ${key}, total := ${total}, tendered := __dq_tendered)`,
      };
    },
  },
  {
    type: 'expect_refunds_to_reference_existing_sale',
    rowLevel: true,
    tables: (k) => (k['sales_table'] ? [stringArg(k, 'sales_table')] : []),
    compile(ctx): Compiled {
      const k = ctx.kwargs;
      const key = c(k, 'key_column', 'transaction_id');
      const type = c(k, 'type_column', 'event_type');
      const original = c(k, 'original_column', 'original_transaction_id');
      const total = c(k, 'total_column', 'total');
      const refund = literal(stringArg(k, 'refund_value', 'refund'));
      const sale = literal(stringArg(k, 'sale_value', 'sale'));
      const sales = k['sales_table'] ? ctx.tableRef(stringArg(k, 'sales_table')) : ctx.ref;
      return {
        kind: 'map',
        source:
          `SELECT t.*, s.__dq_sale, r.__dq_refunded FROM ${ctx.raw} t ` +
          `LEFT JOIN (SELECT ${key} AS __dq_id, max(abs(${total})) AS __dq_sale FROM ${sales} WHERE ${type} = ${sale} GROUP BY 1) s ON t.${original} = s.__dq_id ` +
          `LEFT JOIN (SELECT ${original} AS __dq_orig, sum(abs(${total})) AS __dq_refunded FROM ${ctx.ref} WHERE ${type} = ${refund} GROUP BY 1) r ON t.${original} = r.__dq_orig`,
        domain: `${type} = ${refund}`,
        unexpected: `${original} IS NULL OR __dq_sale IS NULL OR __dq_refunded > __dq_sale + ${money(k, 'tolerance', 0)}`,
        value: `struct_pack(${key} := ${key}, ${original} := ${original}, refunded := __dq_refunded, sale_total := __dq_sale)`,
      };
    },
  },
  {
    type: 'expect_transactions_within_trading_hours',
    rowLevel: true,
    tables: (k) => [stringArg(k, 'stores_table', 'bronze/stores')],
    compile(ctx): Compiled {
      const k = ctx.kwargs;
      const store = c(k, 'store_column', 'store_id');
      const ts = c(k, 'timestamp_column', 'occurred_at');
      const key = c(k, 'key_column', 'transaction_id');
      // Zone conversion (ICU) once per store and UTC hour, then plain arithmetic per row: local = local(hour) + (ts − hour).
      const utc = `CAST(t.${ts} AS TIMESTAMPTZ)`;
      const hourly =
        `SELECT h.__dq_s, h.__dq_h, timezone(s.__dq_tz, h.__dq_h) AS __dq_lh, s.* EXCLUDE (__dq_store) FROM ` +
        `(SELECT DISTINCT ${store} AS __dq_s, date_trunc('hour', CAST(${ts} AS TIMESTAMPTZ)) AS __dq_h FROM ${ctx.ref}) h JOIN (${storesSql(ctx)}) s ON h.__dq_s = s.__dq_store`;
      const local = `(z.__dq_lh + (${utc} - z.__dq_h))`;
      return {
        kind: 'map',
        source: `SELECT t.*, z.* EXCLUDE (__dq_s, __dq_h, __dq_lh), ${local} AS __dq_lt FROM ${ctx.raw} t LEFT JOIN (${hourly}) z ON t.${store} = z.__dq_s AND date_trunc('hour', ${utc}) = z.__dq_h`,
        domain: `${ts} IS NOT NULL`,
        unexpected: `__dq_tz IS NULL OR NOT ${openAt('(hour(__dq_lt) * 60 + minute(__dq_lt))')}`,
        value: `struct_pack(${key} := ${key}, ${store} := ${store}, local_time := strftime(__dq_lt, '%Y-%m-%d %H:%M'), open_hour := __dq_open, close_hour := __dq_close)`,
      };
    },
  },
  {
    type: 'expect_store_events_to_be_fresh',
    rowLevel: false,
    tables: (k) => [stringArg(k, 'stores_table', 'bronze/stores')],
    compile(ctx): Compiled {
      const k = ctx.kwargs;
      const store = c(k, 'store_column', 'store_id');
      const ts = c(k, 'timestamp_column', 'occurred_at');
      const asOf = optionalString(k, 'as_of');
      const asOfSql =
        asOf === undefined
          ? `(SELECT max(CAST(${ts} AS TIMESTAMPTZ)) FROM ${ctx.ref})`
          : `CAST(${str(asOf)} AS TIMESTAMPTZ)`;
      const minutes = numberArg(k, 'max_silence_minutes', 60);
      const local = `timezone(__dq_tz, __dq_as_of)`;
      const localMinute = `(hour(${local}) * 60 + minute(${local}))`;
      // When the store opened for the current session: today's open hour, or yesterday's for an overnight session after midnight.
      const openedLocal = `date_trunc('day', ${local}) - CASE WHEN __dq_open > __dq_close AND ${localMinute} < __dq_close * 60 THEN INTERVAL 1 DAY ELSE INTERVAL 0 DAY END + COALESCE(__dq_open, 0) * INTERVAL 1 HOUR`;
      return {
        kind: 'map',
        source:
          `SELECT s.*, __dq_as_of, e.__dq_last, timezone(__dq_tz, ${openedLocal}) AS __dq_opened FROM (${storesSql(ctx)}) s ` +
          `CROSS JOIN (SELECT ${asOfSql} AS __dq_as_of) a ` +
          `LEFT JOIN (SELECT ${store} AS __dq_id, max(CAST(${ts} AS TIMESTAMPTZ)) AS __dq_last FROM ${ctx.ref} WHERE CAST(${ts} AS TIMESTAMPTZ) <= ${asOfSql} GROUP BY 1) e ON s.__dq_store = e.__dq_id`,
        domain: `__dq_as_of IS NOT NULL AND __dq_tz IS NOT NULL AND ${openAt(localMinute)}`,
        unexpected: `__dq_as_of - greatest(COALESCE(__dq_last, __dq_opened), __dq_opened) > ${minutes} * INTERVAL 1 MINUTE`,
        value: `struct_pack(store_id := __dq_store, last_event := __dq_last, as_of := __dq_as_of)`,
        order: '__dq_store',
        tableRows: false,
      };
    },
  },
  {
    type: 'expect_daily_streamed_total_to_match_history',
    rowLevel: false,
    tables: (k) => [stringArg(k, 'history_table', 'bronze/sales_history')],
    compile(ctx): Compiled {
      const k = ctx.kwargs;
      const store = c(k, 'store_column', 'store_id');
      const day = c(k, 'date_column', 'business_date');
      const amount = c(k, 'amount_column', 'subtotal');
      const type = c(k, 'type_column', 'event_type');
      const refund = literal(stringArg(k, 'refund_value', 'refund'));
      const history = ctx.tableRef(stringArg(k, 'history_table', 'bronze/sales_history'));
      const hStore = c(k, 'history_store_column', 'store_id');
      const hDay = c(k, 'history_date_column', 'business_date');
      const hAmount = c(k, 'history_amount_column', 'net_sales');
      const variance = numberArg(k, 'max_variance', 0.02);
      const exclude = optionalString(k, 'exclude_column');
      const keep = exclude === undefined ? 'TRUE' : `NOT COALESCE(${ident(exclude)}, FALSE)`;
      return {
        kind: 'map',
        source:
          `SELECT h.__dq_store, h.__dq_day, h.__dq_history, COALESCE(s.__dq_streamed, 0) AS __dq_streamed FROM ` +
          `(SELECT ${hStore} AS __dq_store, ${hDay} AS __dq_day, sum(${hAmount}) AS __dq_history FROM ${history} GROUP BY 1, 2) h ` +
          `LEFT JOIN (SELECT ${store} AS __dq_store, ${day} AS __dq_day, sum(CASE WHEN ${type} = ${refund} THEN -abs(${amount}) ELSE ${amount} END) AS __dq_streamed FROM ${ctx.ref} WHERE ${keep} GROUP BY 1, 2) s ` +
          `USING (__dq_store, __dq_day) ` +
          `WHERE h.__dq_day BETWEEN (SELECT min(${day}) FROM ${ctx.ref}) AND (SELECT max(${day}) FROM ${ctx.ref})`,
        domain: 'TRUE',
        unexpected: `abs(__dq_streamed - __dq_history) > ${variance}::DOUBLE * abs(__dq_history)`,
        value: `struct_pack(store_id := __dq_store, business_date := __dq_day, streamed := __dq_streamed, history := __dq_history)`,
        order: '__dq_store, __dq_day',
        tableRows: false,
      };
    },
  },
];
