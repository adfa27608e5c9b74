import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { DqSession } from '../../../shared/dq/dq-session.js';
import { isRowLevel } from '../../../shared/dq/expectations/registry.js';
import { readSuiteFile } from '../../../shared/dq/suite.js';
import { validateSuite } from '../../../shared/dq/validate-suite.js';
import type { SuiteValidationResult } from '../../../shared/dq/validation-result.js';
import { tempDir } from './dq-fixtures.js';
import { buildRetailLake, RETAIL_EXPECTED } from './retail-fixtures.js';

const SUITE = fileURLToPath(
  new URL('../../../shared/dq/suites/silver-transactions.retail.json', import.meta.url),
);
let session: DqSession;
let result: SuiteValidationResult;

beforeAll(async () => {
  const lake = await buildRetailLake(tempDir('dq-retail-'));
  session = await DqSession.open();
  for (const t of ['silver/sales_lines', 'silver/tenders', 'bronze/stores', 'bronze/sales_history']) {
    await session.registerTable(t, prefixed(lake, t));
  }
  const table = await session.registerTable('silver/transactions', prefixed(lake, 'silver/transactions'));
  result = (await validateSuite(session, table, await readSuiteFile(SUITE, isRowLevel))).result;
});

afterAll(async () => {
  await session.close();
});

describe('the shipped retail rule pack on a Silver-like lake', () => {
  it('runs every expectation without an exception', () => {
    const errors = result.results
      .filter((r) => r.exception_info.raised_exception)
      .map((r) => r.exception_info.exception_message);
    expect(errors).toEqual([]);
    expect(result.results.length).toBe(14);
  });

  for (const [type, [considered, unexpected]] of Object.entries(RETAIL_EXPECTED)) {
    it(`${type}: ${unexpected} unexpected of ${considered}`, () => {
      const r = result.results.find((x) => x.expectation_config['expectation_type'] === type);
      expect(r).toBeDefined();
      expect(r?.result['unexpected_count']).toBe(unexpected);
      expect((r?.result['element_count'] as number) - (r?.result['missing_count'] as number)).toBe(
        considered,
      );
      expect(r?.success).toBe(false);
    });
  }

  it('samples name the offending transactions, stores and days', () => {
    const sample = (type: string) =>
      result.results.find((x) => x.expectation_config['expectation_type'] === type)?.result[
        'partial_unexpected_list'
      ];
    expect(sample('expect_basket_line_totals_to_sum_to_subtotal')).toEqual([
      { transaction_id: 'T4', subtotal: '9.00', lines_total: '8.00' },
    ]);
    expect(sample('expect_transactions_within_trading_hours')).toEqual([
      {
        transaction_id: 'T5',
        store_id: 'S0001',
        local_time: '2024-06-30 23:00',
        open_hour: 8,
        close_hour: 22,
      },
      { transaction_id: 'T10', store_id: 'S0009', local_time: null, open_hour: null, close_hour: null },
    ]);
    expect(sample('expect_store_events_to_be_fresh')).toMatchObject([{ store_id: 'S0002' }]);
    expect(sample('expect_daily_streamed_total_to_match_history')).toMatchObject([
      { store_id: 'S0002', business_date: '2024-07-01' },
      { store_id: 'S0003', business_date: '2024-07-01' },
    ]);
  });

  it('skips rows of the listed types in the basket rule (a void carries no lines of its own)', async () => {
    const table = session.table('silver/transactions');
    if (!table) throw new Error('not registered');
    const run = async (kwargs: Record<string, string | string[]>) =>
      (
        await validateSuite(session, table, {
          expectation_suite_name: 's',
          meta: {},
          expectations: [
            { expectation_type: 'expect_basket_line_totals_to_sum_to_subtotal', kwargs, meta: {} },
          ],
        })
      ).result.results[0];
    const all = await run({});
    const skipped = await run({ type_column: 'transaction_id', skip_types: ['T4'] });
    expect(all?.result.unexpected_count).toBe(1);
    expect(skipped?.result.unexpected_count).toBe(0);
    expect(skipped?.result.element_count).toBe(all?.result.element_count);
  });

  it('honours mostly on a retail rule (trading hours at mostly 0.8 passes: 8 of 10 inside)', async () => {
    const table = session.table('silver/transactions');
    if (!table) throw new Error('not registered');
    const { result: r } = await validateSuite(session, table, {
      expectation_suite_name: 'm',
      meta: {},
      expectations: [
        { expectation_type: 'expect_transactions_within_trading_hours', kwargs: { mostly: 0.8 }, meta: {} },
      ],
    });
    expect(r.results[0]?.success).toBe(true);
  });
});
