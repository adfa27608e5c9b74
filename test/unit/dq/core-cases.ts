/**
 * The core GE expectation cases: one small table with nulls (`people`), an empty table with the same
 * schema, and hand-computed expectations. The unit test checks our engine against the hand-computed
 * values; the GE cross-check runs the same suite through great_expectations on the same Delta tables.
 */
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import type { JsonValue } from '../../../shared/dq/suite.js';
import { cents, type FixtureRow } from './dq-fixtures.js';

export const PEOPLE_SCHEMA = struct(
  field('id', 'long', false),
  field('name', 'string'),
  field('age', 'integer'),
  field('score', 'double'),
  field('amount', 'decimal(18,2)'),
  field('paid', 'decimal(18,2)'),
  field('code', 'string'),
);

const raw: [number, string | null, number | null, number | null, number | null, number | null, string | null][] = [
  [1, 'ann', 30, 1.5, 10.0, 9.0, 'S0001'],
  [2, 'bob', 17, 2.5, 20.5, 20.5, 'S0002'],
  [3, 'cid', 45, null, 5.25, 6.0, 'X1'],
  [4, null, null, 4.0, null, null, 'S0003'],
  [5, 'dan', 62, 5.5, 100.0, 50.0, null],
  [6, 'eve', 29, 0.5, 0.99, null, 'S0004'],
  [7, 'ann', 30, 3.0, 10.0, 1.0, 'S0005'],
  [8, 'fay', 101, 9.0, 3.33, 3.0, 's0006'],
  [9, null, 40, null, 7.77, null, 'S0007'],
  [10, 'gus', null, 7.0, null, null, 'S0008'],
];

export const PEOPLE_ROWS: FixtureRow[] = raw.map(([id, name, age, score, amount, paid, code]) => ({
  id: BigInt(id),
  name,
  age,
  score,
  amount: amount === null ? null : cents(amount),
  paid: paid === null ? null : cents(paid),
  code,
}));

export interface Case {
  type: string;
  kwargs: Record<string, JsonValue>;
  /** Expected on `people` and on the empty table. */
  people: { success: boolean; unexpected_count?: number; observed_value?: JsonValue };
  empty: { success: boolean; unexpected_count?: number };
  /** Not comparable with GE's pandas engine (reason). */
  geSkip?: string;
}

const ALL_COLUMNS = ['id', 'name', 'age', 'score', 'amount', 'paid', 'code'];

export const CASES: Case[] = [
  { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'name' }, people: { success: false, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'name', mostly: 0.8 }, people: { success: true, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'name', mostly: 0.81 }, people: { success: false, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id' }, people: { success: true, unexpected_count: 0 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_unique', kwargs: { column: 'name' }, people: { success: false, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_unique', kwargs: { column: 'name', mostly: 0.75 }, people: { success: true, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' }, people: { success: true, unexpected_count: 0 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['name', 'age'] }, people: { success: false, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['id', 'name'] }, people: { success: true, unexpected_count: 0 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_between', kwargs: { column: 'age', min_value: 18, max_value: 100 }, people: { success: false, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_between', kwargs: { column: 'age', min_value: 30, max_value: 100, strict_min: true }, people: { success: false, unexpected_count: 5 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_between', kwargs: { column: 'age', max_value: 101, strict_max: true, mostly: 0.85 }, people: { success: true, unexpected_count: 1 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_between', kwargs: { column: 'amount', min_value: 1, max_value: 50 }, people: { success: false, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'name', value_set: ['ann', 'bob', 'cid', 'dan', 'eve'] }, people: { success: false, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_not_be_in_set', kwargs: { column: 'code', value_set: ['X1', 'S9999'] }, people: { success: false, unexpected_count: 1 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_match_regex', kwargs: { column: 'code', regex: '^S\\d{4}$' }, people: { success: false, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_match_regex', kwargs: { column: 'code', regex: 'S0', mostly: 0.7 }, people: { success: true, unexpected_count: 2 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'name', min_value: 3, max_value: 3 }, people: { success: true, unexpected_count: 0 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'code', min_value: 5 }, people: { success: false, unexpected_count: 1 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_pair_values_a_to_be_greater_than_b', kwargs: { column_A: 'amount', column_B: 'paid' }, people: { success: false, unexpected_count: 4 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_pair_values_a_to_be_greater_than_b', kwargs: { column_A: 'amount', column_B: 'paid', or_equal: true }, people: { success: false, unexpected_count: 3 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_pair_values_a_to_be_greater_than_b', kwargs: { column_A: 'amount', column_B: 'paid', or_equal: true, ignore_row_if: 'either_value_is_missing' }, people: { success: false, unexpected_count: 1 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_values_to_be_of_type', kwargs: { column: 'id', type_: 'int64' }, people: { success: true, observed_value: 'long' }, empty: { success: true } },
  { type: 'expect_column_values_to_be_of_type', kwargs: { column: 'score', type_: 'float64' }, people: { success: true, observed_value: 'double' }, empty: { success: true } },
  { type: 'expect_column_values_to_be_of_type', kwargs: { column: 'id', type_: 'float64' }, people: { success: false, observed_value: 'long' }, empty: { success: false } },
  { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 5, max_value: 10 }, people: { success: true, observed_value: 10 }, empty: { success: false } },
  { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 0, max_value: 9 }, people: { success: false, observed_value: 10 }, empty: { success: true } },
  { type: 'expect_table_row_count_to_equal_other_table', kwargs: { other_table_name: 'people_copy' }, people: { success: true, observed_value: { self: 10, other: 10 } }, empty: { success: false }, geSkip: 'needs a SQL datasource' },
  { type: 'expect_column_sum_to_be_between', kwargs: { column: 'score', min_value: 30, max_value: 40 }, people: { success: true, observed_value: 33 }, empty: { success: false } },
  { type: 'expect_column_sum_to_be_between', kwargs: { column: 'score', min_value: 0, max_value: 0 }, people: { success: false, observed_value: 33 }, empty: { success: true } },
  { type: 'expect_column_mean_to_be_between', kwargs: { column: 'amount', min_value: 19, max_value: 20 }, people: { success: true, observed_value: 19.73 }, empty: { success: false } },
  { type: 'expect_column_mean_to_be_between', kwargs: { column: 'age', min_value: 44.25, max_value: 50, strict_min: true }, people: { success: false, observed_value: 44.25 }, empty: { success: false } },
  { type: 'expect_column_min_to_be_between', kwargs: { column: 'age', min_value: 17, max_value: 17 }, people: { success: true, observed_value: 17 }, empty: { success: false } },
  { type: 'expect_column_max_to_be_between', kwargs: { column: 'age', max_value: 100 }, people: { success: false, observed_value: 101 }, empty: { success: false } },
  { type: 'expect_column_max_to_be_between', kwargs: { column: 'amount', min_value: 99, max_value: 100 }, people: { success: true, observed_value: 100 }, empty: { success: false } },
  { type: 'expect_column_distinct_values_to_be_in_set', kwargs: { column: 'name', value_set: ['ann', 'bob', 'cid', 'dan', 'eve', 'fay', 'gus'] }, people: { success: true, unexpected_count: 0, observed_value: ['ann', 'bob', 'cid', 'dan', 'eve', 'fay', 'gus'] }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_distinct_values_to_be_in_set', kwargs: { column: 'name', value_set: ['ann', 'bob', 'cid', 'dan', 'eve', 'fay', 'zed'] }, people: { success: false, unexpected_count: 1 }, empty: { success: true, unexpected_count: 0 } },
  { type: 'expect_column_proportion_of_unique_values_to_be_between', kwargs: { column: 'name', min_value: 0.8, max_value: 0.9 }, people: { success: true, observed_value: 0.875 }, empty: { success: false } },
  { type: 'expect_column_proportion_of_unique_values_to_be_between', kwargs: { column: 'id', min_value: 1 }, people: { success: true, observed_value: 1 }, empty: { success: false } },
  { type: 'expect_column_unique_value_count_to_be_between', kwargs: { column: 'name', min_value: 7, max_value: 7 }, people: { success: true, observed_value: 7 }, empty: { success: false } },
  { type: 'expect_column_unique_value_count_to_be_between', kwargs: { column: 'age', max_value: 6 }, people: { success: false, observed_value: 7 }, empty: { success: true } },
  { type: 'expect_column_to_exist', kwargs: { column: 'name' }, people: { success: true }, empty: { success: true } },
  { type: 'expect_column_to_exist', kwargs: { column: 'nope' }, people: { success: false }, empty: { success: false } },
  { type: 'expect_table_columns_to_match_set', kwargs: { column_set: ALL_COLUMNS }, people: { success: true }, empty: { success: true } },
  { type: 'expect_table_columns_to_match_set', kwargs: { column_set: ['id', 'name'] }, people: { success: false }, empty: { success: false } },
  { type: 'expect_table_columns_to_match_set', kwargs: { column_set: ['id', 'name'], exact_match: false }, people: { success: true }, empty: { success: true } },
];
