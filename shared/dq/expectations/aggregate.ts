/**
 * GE's table-level and column-aggregate expectations, plus the schema-only ones.
 *
 * GE semantics kept: a metric that is NULL (mean/min/max of an empty or all-null column) fails a
 * between-check; `sum` of no values is 0 (pandas' answer, which the cross-check uses); the proportion of
 * unique values is distinct non-null values / non-null values, 0 when there are none; distinct values
 * ignore nulls; `expect_column_distinct_values_to_be_in_set` counts distinct values outside the set as
 * unexpected (GE 1.x) and reports the sorted distinct values as observed_value.
 */
import { parseDecimal } from '../../delta/protocol/schema.js';
import { deltaTypeName, typeMatches } from '../duck-types.js';
import { ident, KwargError, literalList } from '../sql.js';
import type { JsonValue, Kwargs } from '../suite.js';
import type { CompileContext, Compiled, ExpectationDefinition } from './expectation-definition.js';
import {
  betweenPredicate,
  boolArg,
  columnArg,
  listArg,
  numberArg,
  stringArg,
  stringListArg,
} from './kwargs.js';

/** `observed` is the metric; success is the between-check, false when the metric is NULL. */
function metricBetween(type: string, metric: (ctx: CompileContext) => string): ExpectationDefinition {
  return {
    type,
    rowLevel: false,
    compile(ctx): Compiled {
      return {
        kind: 'aggregate',
        sql: `SELECT observed, COALESCE(${betweenPredicate('observed', ctx.kwargs, false)}, FALSE) AS success FROM (${metric(ctx)})`,
      };
    },
  };
}

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'float', 'double']);

function numeric(ctx: CompileContext, fn: string): string {
  const col = columnArg(ctx.kwargs, ctx.schema);
  const field = ctx.schema.fields.find((f) => ident(f.name) === col);
  // Numbers are reported as JSON numbers, like pandas does; dates and timestamps keep their type.
  const isNumber =
    field !== undefined && (parseDecimal(field.type) !== undefined || NUMERIC.has(deltaTypeName(field.type)));
  const expr = fn === 'sum' ? `COALESCE(sum(${col}), 0)` : `${fn}(${col})`;
  return `SELECT ${isNumber || fn === 'avg' ? `CAST(${expr} AS DOUBLE)` : expr} AS observed FROM ${ctx.ref}`;
}

export const AGGREGATE_EXPECTATIONS: ExpectationDefinition[] = [
  metricBetween(
    'expect_table_row_count_to_be_between',
    (ctx) => `SELECT count(*)::DOUBLE AS observed FROM ${ctx.ref}`,
  ),
  {
    type: 'expect_table_row_count_to_equal',
    rowLevel: false,
    compile: (ctx) => ({
      kind: 'aggregate',
      sql: `SELECT count(*)::DOUBLE AS observed, count(*) = ${numberArg(ctx.kwargs, 'value')} AS success FROM ${ctx.ref}`,
    }),
  },
  {
    type: 'expect_table_row_count_to_equal_other_table',
    rowLevel: false,
    tables: (kwargs) => [stringArg(kwargs, 'other_table_name')],
    compile(ctx): Compiled {
      const other = ctx.tableRef(stringArg(ctx.kwargs, 'other_table_name'));
      return {
        kind: 'aggregate',
        sql: `SELECT struct_pack(self := a, other := b) AS observed, a = b AS success FROM (SELECT (SELECT count(*)::DOUBLE FROM ${ctx.ref}) AS a, (SELECT count(*)::DOUBLE FROM ${other}) AS b)`,
      };
    },
  },
  metricBetween('expect_column_sum_to_be_between', (ctx) => numeric(ctx, 'sum')),
  metricBetween('expect_column_mean_to_be_between', (ctx) => numeric(ctx, 'avg')),
  metricBetween('expect_column_median_to_be_between', (ctx) => numeric(ctx, 'median')),
  metricBetween('expect_column_stdev_to_be_between', (ctx) => numeric(ctx, 'stddev_samp')),
  metricBetween('expect_column_min_to_be_between', (ctx) => numeric(ctx, 'min')),
  metricBetween('expect_column_max_to_be_between', (ctx) => numeric(ctx, 'max')),
  metricBetween('expect_column_unique_value_count_to_be_between', (ctx) => {
    const col = columnArg(ctx.kwargs, ctx.schema);
    return `SELECT count(DISTINCT ${col})::DOUBLE AS observed FROM ${ctx.ref}`;
  }),
  metricBetween('expect_column_proportion_of_unique_values_to_be_between', (ctx) => {
    const col = columnArg(ctx.kwargs, ctx.schema);
    return `SELECT CASE WHEN count(${col}) = 0 THEN 0.0 ELSE count(DISTINCT ${col}) / count(${col}) END AS observed FROM ${ctx.ref}`;
  }),
  metricBetween('expect_column_proportion_of_non_null_values_to_be_between', (ctx) => {
    const col = columnArg(ctx.kwargs, ctx.schema);
    return `SELECT CASE WHEN count(*) = 0 THEN 0.0 ELSE count(${col}) / count(*) END AS observed FROM ${ctx.ref}`;
  }),
  distinctSet('expect_column_distinct_values_to_be_in_set', (outside) => `${outside} = 0`, 'outside'),
  distinctSet(
    'expect_column_distinct_values_to_contain_set',
    (_outside, missing) => `${missing} = 0`,
    'missing',
  ),
  distinctSet(
    'expect_column_distinct_values_to_equal_set',
    (outside, missing) => `${outside} = 0 AND ${missing} = 0`,
    'outside',
  ),
  staticExpectation('expect_column_to_exist', (ctx) => {
    const column = stringArg(ctx.kwargs, 'column');
    const index = ctx.schema.fields.findIndex((f) => f.name === column);
    const wanted = ctx.kwargs['column_index'];
    const success = index >= 0 && (wanted === undefined || wanted === null || wanted === index);
    return { success, result: {} };
  }),
  staticExpectation('expect_table_columns_to_match_set', (ctx) => {
    const expected = new Set(stringListArg(ctx.kwargs, 'column_set'));
    const actual = ctx.schema.fields.map((f) => f.name);
    const exact = boolArg(ctx.kwargs, 'exact_match', true);
    const missing = [...expected].filter((c) => !actual.includes(c)).sort();
    const unexpected = actual.filter((c) => !expected.has(c)).sort();
    const success = missing.length === 0 && (!exact || unexpected.length === 0);
    const result: Record<string, JsonValue> = { observed_value: [...actual].sort() };
    if (!success) result['details'] = { mismatched: { unexpected, missing } };
    return { success, result };
  }),
  staticExpectation('expect_table_columns_to_match_ordered_list', (ctx) => {
    const expected = stringListArg(ctx.kwargs, 'column_list');
    const actual = ctx.schema.fields.map((f) => f.name);
    return {
      success: JSON.stringify(expected) === JSON.stringify(actual),
      result: { observed_value: actual },
    };
  }),
  staticExpectation('expect_table_column_count_to_equal', (ctx) => ({
    success: ctx.schema.fields.length === numberArg(ctx.kwargs, 'value'),
    result: { observed_value: ctx.schema.fields.length },
  })),
  staticExpectation('expect_column_values_to_be_of_type', (ctx) => {
    const field = fieldOf(ctx.kwargs, ctx);
    return {
      success: typeMatches(stringArg(ctx.kwargs, 'type_'), field.type),
      result: { observed_value: deltaTypeName(field.type) },
    };
  }),
  staticExpectation('expect_column_values_to_be_in_type_list', (ctx) => {
    const field = fieldOf(ctx.kwargs, ctx);
    const list = ctx.kwargs['type_list'];
    const names = list === null || list === undefined ? null : stringListArg(ctx.kwargs, 'type_list');
    return {
      success: names === null || names.some((n) => typeMatches(n, field.type)),
      result: { observed_value: deltaTypeName(field.type) },
    };
  }),
];

function fieldOf(kwargs: Kwargs, ctx: CompileContext) {
  const name = stringArg(kwargs, 'column');
  const field = ctx.schema.fields.find((f) => f.name === name);
  if (!field) throw new KwargError(`column ${JSON.stringify(name)} not found in table`);
  return field;
}

function distinctSet(
  type: string,
  success: (outside: string, missing: string) => string,
  unexpectedCount: 'outside' | 'missing',
): ExpectationDefinition {
  return {
    type,
    rowLevel: false,
    compile(ctx): Compiled {
      const col = columnArg(ctx.kwargs, ctx.schema);
      const set = listArg(ctx.kwargs, 'value_set');
      const values = set.length === 0 ? 'NULL WHERE FALSE' : `unnest([${literalList(set)}])`;
      const outside =
        set.length === 0
          ? 'count(DISTINCT v)'
          : `count(DISTINCT v) FILTER (WHERE v NOT IN (${literalList(set)}))`;
      const sql =
        `WITH d AS (SELECT DISTINCT ${col} AS v FROM ${ctx.ref} WHERE ${col} IS NOT NULL), ` +
        `s AS (SELECT ${values} AS v) ` +
        `SELECT observed, outside AS unexpected_count, ${success('outside', 'missing')} AS success FROM (` +
        `SELECT (SELECT list(v ORDER BY v) FROM (SELECT v FROM d ORDER BY v LIMIT 1000)) AS observed, ` +
        `(SELECT ${outside} FROM d) AS outside, ` +
        `(SELECT count(*) FROM s WHERE v NOT IN (SELECT v FROM d)) AS missing)`;
      return {
        kind: 'aggregate',
        sql:
          unexpectedCount === 'outside'
            ? sql
            : sql.replace('outside AS unexpected_count', 'missing AS unexpected_count'),
      };
    },
  };
}

function staticExpectation(
  type: string,
  decide: (ctx: CompileContext) => { success: boolean; result: Record<string, JsonValue> },
): ExpectationDefinition {
  return { type, rowLevel: false, compile: (ctx) => ({ kind: 'static', ...decide(ctx) }) };
}
