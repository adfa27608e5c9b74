import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DqSession } from '../../../shared/dq/dq-session.js';
import { parseSuite } from '../../../shared/dq/suite.js';
import { validateSuite } from '../../../shared/dq/validate-suite.js';
import type { SuiteValidationResult } from '../../../shared/dq/validation-result.js';
import { CASES, PEOPLE_ROWS, PEOPLE_SCHEMA } from './core-cases.js';
import { buildTable, localTable, tempDir } from './dq-fixtures.js';

const suite = parseSuite({
  expectation_suite_name: 'core',
  expectations: CASES.map((c) => ({ expectation_type: c.type, kwargs: c.kwargs, meta: {} })),
});

let session: DqSession;
const results: Record<'people' | 'empty', SuiteValidationResult | undefined> = { people: undefined, empty: undefined };

beforeAll(async () => {
  const root = tempDir();
  // people in two commits (two files) so samples and counts span files.
  await buildTable(localTable(root, 'people'), PEOPLE_SCHEMA, [PEOPLE_ROWS.slice(0, 4), PEOPLE_ROWS.slice(4)]);
  await buildTable(localTable(root, 'people_copy'), PEOPLE_SCHEMA, [PEOPLE_ROWS]);
  await buildTable(localTable(root, 'empty'), PEOPLE_SCHEMA, []);
  session = await DqSession.open();
  await session.registerTable('people_copy', localTable(root, 'people_copy'));
  for (const name of ['people', 'empty'] as const) {
    const table = await session.registerTable(name, localTable(root, name));
    results[name] = (await validateSuite(session, table, suite, { runId: 'unit' })).result;
  }
});

afterAll(async () => {
  await session.close();
});

describe('core GE expectations on a table with nulls and on an empty table', () => {
  for (const [i, c] of CASES.entries()) {
    for (const tableName of ['people', 'empty'] as const) {
      it(`${i} ${c.type} ${JSON.stringify(c.kwargs)} on ${tableName}`, () => {
        const r = results[tableName]?.results[i];
        expect(r?.exception_info.exception_message ?? null).toBeNull();
        const want = c[tableName];
        expect(r?.success).toBe(want.success);
        if (want.unexpected_count !== undefined) expect(r?.result['unexpected_count']).toBe(want.unexpected_count);
        const observed = tableName === 'people' ? c.people.observed_value : undefined;
        if (typeof observed === 'number') expect(r?.result['observed_value']).toBeCloseTo(observed, 9);
        else if (observed !== undefined) expect(r?.result['observed_value']).toEqual(observed);
      });
    }
  }

  it('reports GE statistics and the map result fields', () => {
    const people = results.people;
    expect(people?.statistics.evaluated_expectations).toBe(CASES.length);
    expect(people?.statistics.successful_expectations).toBe(CASES.filter((c) => c.people.success).length);
    expect(people?.success).toBe(false);
    const notNull = people?.results[0]?.result;
    expect(notNull).toMatchObject({ element_count: 10, unexpected_count: 2, unexpected_percent: 20, partial_unexpected_list: [null, null] });
    const between = people?.results[9]?.result;
    expect(between).toMatchObject({ element_count: 10, missing_count: 2, unexpected_count: 2, unexpected_percent: 25, partial_unexpected_list: [17, 101] });
    expect(people?.results[4]?.result['partial_unexpected_counts']).toEqual([{ value: 'ann', count: 2 }]);
  });

  it('reports an unknown type or a missing column as that expectation failing with exception_info', async () => {
    const table = session.table('people');
    if (!table) throw new Error('people not registered');
    const bad = parseSuite({
      expectation_suite_name: 'bad',
      expectations: [
        { expectation_type: 'expect_column_values_to_be_purple', kwargs: { column: 'id' } },
        { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'nope' } },
        { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id' } },
      ],
    });
    const { result } = await validateSuite(session, table, bad);
    expect(result.results.map((r) => [r.success, r.exception_info.raised_exception])).toEqual([
      [false, true],
      [false, true],
      [true, false],
    ]);
    expect(result.results[1]?.exception_info.exception_message).toContain('nope');
  });
});
