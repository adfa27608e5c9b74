/**
 * GE's row-level expectations (column map, column pair map, multicolumn map) as SQL predicates.
 *
 * GE semantics kept: a column map expectation considers only non-null values (nulls are "missing",
 * neither expected nor unexpected), except the null checks themselves; uniqueness is counted among the
 * considered rows (every row of a duplicated value is unexpected); a pair comparison with one side
 * missing is unexpected; `ignore_row_if` picks the considered rows of pair and compound expectations.
 */
import { ident, KwargError, literalList } from '../sql.js';
import type { CompileContext, Compiled, ExpectationDefinition } from './expectation-definition.js';
import {
  betweenPredicate,
  boolArg,
  columnArg,
  listArg,
  numberArg,
  optionalString,
  stringArg,
  stringListArg,
} from './kwargs.js';

function columnMap(
  type: string,
  build: (col: string, ctx: CompileContext) => { unexpected: string; domain?: string },
): ExpectationDefinition {
  return {
    type,
    rowLevel: true,
    compile(ctx): Compiled {
      const col = columnArg(ctx.kwargs, ctx.schema);
      const { unexpected, domain } = build(col, ctx);
      return { kind: 'map', domain: domain ?? `${col} IS NOT NULL`, unexpected, value: col };
    },
  };
}

export const COLUMN_MAP_EXPECTATIONS: ExpectationDefinition[] = [
  columnMap('expect_column_values_to_not_be_null', (col) => ({
    domain: 'TRUE',
    unexpected: `${col} IS NULL`,
  })),
  columnMap('expect_column_values_to_be_null', (col) => ({
    domain: 'TRUE',
    unexpected: `${col} IS NOT NULL`,
  })),
  columnMap('expect_column_values_to_be_unique', (col, ctx) => ({
    unexpected: `${col} IN (SELECT ${col} FROM ${ctx.ref} WHERE ${col} IS NOT NULL GROUP BY ${col} HAVING count(*) > 1)`,
  })),
  columnMap('expect_column_values_to_be_between', (col, ctx) => ({
    unexpected: `NOT ${betweenPredicate(col, ctx.kwargs, true)}`,
  })),
  columnMap('expect_column_values_to_be_in_set', (col, ctx) => {
    const set = listArg(ctx.kwargs, 'value_set');
    return { unexpected: set.length === 0 ? 'TRUE' : `${col} NOT IN (${literalList(set)})` };
  }),
  columnMap('expect_column_values_to_not_be_in_set', (col, ctx) => {
    const set = listArg(ctx.kwargs, 'value_set');
    return { unexpected: set.length === 0 ? 'FALSE' : `${col} IN (${literalList(set)})` };
  }),
  columnMap('expect_column_values_to_match_regex', (col, ctx) => ({
    unexpected: `NOT regexp_matches(CAST(${col} AS VARCHAR), ${literalList([stringArg(ctx.kwargs, 'regex')])})`,
  })),
  columnMap('expect_column_values_to_not_match_regex', (col, ctx) => ({
    unexpected: `regexp_matches(CAST(${col} AS VARCHAR), ${literalList([stringArg(ctx.kwargs, 'regex')])})`,
  })),
  columnMap('expect_column_values_to_match_like_pattern', (col, ctx) => ({
    unexpected: `CAST(${col} AS VARCHAR) NOT LIKE ${literalList([stringArg(ctx.kwargs, 'like_pattern')])}`,
  })),
  columnMap('expect_column_value_lengths_to_be_between', (col, ctx) => ({
    unexpected: `NOT ${betweenPredicate(`length(CAST(${col} AS VARCHAR))`, ctx.kwargs, true)}`,
  })),
  columnMap('expect_column_value_lengths_to_equal', (col, ctx) => ({
    unexpected: `length(CAST(${col} AS VARCHAR)) <> ${numberArg(ctx.kwargs, 'value')}`,
  })),
  {
    type: 'expect_column_pair_values_a_to_be_greater_than_b',
    rowLevel: true,
    compile(ctx): Compiled {
      const a = columnArg(ctx.kwargs, ctx.schema, 'column_A');
      const b = columnArg(ctx.kwargs, ctx.schema, 'column_B');
      const op = boolArg(ctx.kwargs, 'or_equal', false) ? '>=' : '>';
      return {
        kind: 'map',
        domain: pairDomain(a, b, optionalString(ctx.kwargs, 'ignore_row_if') ?? 'both_values_are_missing'),
        unexpected: `NOT COALESCE(${a} ${op} ${b}, FALSE)`,
        value: `[${a}, ${b}]`,
      };
    },
  },
  {
    type: 'expect_column_pair_values_to_be_equal',
    rowLevel: true,
    compile(ctx): Compiled {
      const a = columnArg(ctx.kwargs, ctx.schema, 'column_A');
      const b = columnArg(ctx.kwargs, ctx.schema, 'column_B');
      return {
        kind: 'map',
        domain: pairDomain(a, b, optionalString(ctx.kwargs, 'ignore_row_if') ?? 'both_values_are_missing'),
        unexpected: `NOT COALESCE(${a} = ${b}, FALSE)`,
        value: `[${a}, ${b}]`,
      };
    },
  },
  {
    type: 'expect_compound_columns_to_be_unique',
    rowLevel: true,
    compile(ctx): Compiled {
      const names = stringListArg(ctx.kwargs, 'column_list');
      if (names.length < 2) throw new KwargError('column_list must contain at least two columns');
      const cols = names.map((n) => columnArg({ column: n }, ctx.schema));
      const domain = multiDomain(
        cols,
        optionalString(ctx.kwargs, 'ignore_row_if') ?? 'all_values_are_missing',
      );
      const key = `struct_pack(${cols.map((c, i) => `c${i} := ${c}`).join(', ')})`;
      return {
        kind: 'map',
        domain,
        unexpected: `${key} IN (SELECT ${key} FROM ${ctx.ref} WHERE ${domain} GROUP BY ALL HAVING count(*) > 1)`,
        value: `struct_pack(${cols.map((c, i) => `${ident(names[i] ?? '')} := ${c}`).join(', ')})`,
      };
    },
  },
];

function pairDomain(a: string, b: string, ignore: string): string {
  switch (ignore) {
    case 'both_values_are_missing':
      return `NOT (${a} IS NULL AND ${b} IS NULL)`;
    case 'either_value_is_missing':
      return `(${a} IS NOT NULL AND ${b} IS NOT NULL)`;
    case 'neither':
      return 'TRUE';
    default:
      throw new KwargError(
        `ignore_row_if must be both_values_are_missing, either_value_is_missing or neither, got ${ignore}`,
      );
  }
}

function multiDomain(cols: string[], ignore: string): string {
  switch (ignore) {
    case 'all_values_are_missing':
      return `NOT (${cols.map((c) => `${c} IS NULL`).join(' AND ')})`;
    case 'any_value_is_missing':
      return `(${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')})`;
    case 'never':
      return 'TRUE';
    default:
      throw new KwargError(
        `ignore_row_if must be all_values_are_missing, any_value_is_missing or never, got ${ignore}`,
      );
  }
}
