/**
 * The orchestration's DQ step end to end on a local lake: blocks on a failing `fail` expectation,
 * moves `drop` rows to silver/quarantine (and out of the table), records results in ops/dq_results and
 * in Azure Table storage (Azurite), writes Data Docs, and is a no-op for results on a replay.
 */
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import type { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { appendBatch } from '../../../shared/delta/table.js';
import { handleDataDocsRequest } from '../../../shared/dq/data-docs-handler.js';
import { isRowLevel } from '../../../shared/dq/expectations/registry.js';
import { tableStorageSink } from '../../../shared/dq/results-store.js';
import { runDqGate } from '../../../shared/dq/run-dq-gate.js';
import { parseSuite, SuiteFormatError } from '../../../shared/dq/suite.js';
import { startAzurite, type Azurite } from '../../../shared/local/azurite.js';
import { tempDir } from '../../unit/dq/dq-fixtures.js';
import { buildRetailLake, transactionRows } from '../../unit/dq/retail-fixtures.js';

let azurite: Azurite;
let lake: LocalFsStore;

const suite = (uniqueSeverity: 'fail' | 'warn') =>
  parseSuite(
    {
      expectation_suite_name: 'gate',
      meta: { table: 'silver/transactions', key_columns: ['transaction_id'] },
      expectations: [
        { expectation_type: 'expect_column_values_to_be_unique', kwargs: { column: 'transaction_id' }, meta: { severity: uniqueSeverity } },
        { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'store_id' }, meta: { severity: 'drop' } },
        { expectation_type: 'expect_column_values_to_be_in_set', kwargs: { column: 'event_type', value_set: ['sale', 'refund'] }, meta: { severity: 'drop' } },
        { expectation_type: 'expect_basket_total_to_equal_subtotal_plus_tax', kwargs: {}, meta: { severity: 'warn' } },
      ],
    },
    isRowLevel,
  );

beforeAll(async () => {
  azurite = await startAzurite();
  lake = await buildRetailLake(tempDir('dq-gate-'));
  // Bad rows: a duplicate id (fail), a null store (drop), a void (drop).
  const bad = transactionRows([
    ['T1', 'sale', 'S0001', '2024-07-01T14:05:00Z', '2024-07-01', 1, 0, 1, null, [1], [1]],
    ['T20', 'sale', null, '2024-07-01T14:06:00Z', '2024-07-01', 1, 0, 1, null, [1], [1]],
    ['T21', 'void', 'S0002', '2024-07-01T14:07:00Z', '2024-07-01', 1, 0, 1, 'T6', [1], [1]],
  ]);
  const batch: Record<string, unknown[]> = {};
  for (const k of Object.keys(bad[0] ?? {})) batch[k] = bad.map((r) => r[k]);
  await appendBatch(prefixed(lake, 'silver/transactions'), batch);
}, 120_000);

afterAll(async () => {
  await azurite.stop();
});

describe('runDqGate', () => {
  it('rejects drop on an aggregate expectation when the suite is loaded', () => {
    expect(() =>
      parseSuite({ expectation_suite_name: 'x', expectations: [{ expectation_type: 'expect_table_row_count_to_be_between', kwargs: {}, meta: { severity: 'drop' } }] }, isRowLevel),
    ).toThrow(SuiteFormatError);
  });

  it('blocks on fail, quarantines drop rows, records results in Delta and Table storage, writes Data Docs', async () => {
    const client = TableClient.fromConnectionString(azurite.connectionString, 'dqresults', { allowInsecureConnection: true });
    const version = (await loadSnapshot(prefixed(lake, 'silver/transactions'))).version;
    const out = await runDqGate({ lake, suites: [suite('fail')], runId: 'run-1', tableVersions: { 'silver/transactions': version }, sinks: [tableStorageSink(client)] });
    expect(out.blocking).toBe(true);
    expect(out.success).toBe(false);
    const [t] = out.results;
    expect(t?.version).toBe(version);
    expect(t?.validation.results.map((r) => [r.success, r.result['unexpected_count']])).toEqual([
      [false, 2],
      [false, 1],
      [false, 1],
      [false, 1],
    ]);
    expect(t?.quarantine).toMatchObject({ kind: 'moved', rows: 2 });

    // The dropped rows left the table and are in silver/quarantine with their reason.
    const remaining = await scanAll(await loadSnapshot(prefixed(lake, 'silver/transactions')));
    expect(remaining.map((r) => r['transaction_id']).sort()).toEqual(['T1', 'T1', 'T10', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9']);
    const quarantined = await scanAll(await loadSnapshot(prefixed(lake, 'silver/quarantine')));
    expect(quarantined.map((r) => [r['key'], r['reason_code'], r['table'], r['run_id']]).sort()).toEqual([
      ['T20', 'dq.expect_column_values_to_not_be_null', 'silver/transactions', 'run-1'],
      ['T21', 'dq.expect_column_values_to_be_in_set', 'silver/transactions', 'run-1'],
    ]);
    expect(JSON.parse(String(quarantined.find((r) => r['key'] === 'T21')?.['payload']))).toMatchObject({ transaction_id: 'T21', event_type: 'void', total: '1.00' });

    // Results: ops/dq_results (Delta) and Azure Table storage, keyed by run and table version.
    const rows = await scanAll(await loadSnapshot(prefixed(lake, 'ops/dq_results')));
    expect(rows.length).toBe(4);
    expect(rows.every((r) => r['run_id'] === 'run-1' && r['table_version'] === BigInt(version))).toBe(true);
    const entities = [];
    for await (const e of client.listEntities({ queryOptions: { filter: `PartitionKey eq 'run-1'` } })) entities.push(e);
    expect(entities.map((e) => e.rowKey).sort()).toEqual([0, 1, 2, 3].map((i) => `silver:transactions|v${version}|000${i}`));

    // Data Docs in the lake and over the HTTP handler.
    expect(out.dataDocsKey).toBe('ops/data_docs/run-1.html');
    const page = await handleDataDocsRequest({ method: 'GET', path: '/api/dq/docs/run-1' }, lake);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Gate: BLOCKED');
    expect(page.body).toContain('1 row(s) quarantined');
    expect((await handleDataDocsRequest({ method: 'GET', path: '/api/dq/docs/nope' }, lake)).status).toBe(404);
    expect((await handleDataDocsRequest({ method: 'GET', path: '/api/dq/docs/' }, lake)).body).toContain('run-1');
  });

  it('a replay of the same run appends no duplicate results', async () => {
    const before = (await loadSnapshot(prefixed(lake, 'ops/dq_results'))).version;
    const version = (await loadSnapshot(prefixed(lake, 'silver/transactions'))).version;
    // Same run id and the version validated the first time: txn makes the append a no-op.
    await runDqGate({ lake, suites: [suite('fail')], runId: 'run-1', tableVersions: { 'silver/transactions': version - 1 } });
    expect((await loadSnapshot(prefixed(lake, 'ops/dq_results'))).version).toBe(before);
  });

  it('does not block when the only failures are warn (and drop, after moving the rows)', async () => {
    const out = await runDqGate({ lake, suites: [suite('warn')], runId: 'run-2' });
    expect(out.blocking).toBe(false);
    expect(out.success).toBe(false);
    expect(out.results[0]?.quarantine.kind).toBe('nothing');
    const page = await handleDataDocsRequest({ method: 'GET', path: '/run-2' }, lake);
    // The trend now has the earlier runs of this suite.
    expect(page.body).toMatch(/[23] run\(s\)/);
  });

  it('fails closed when the table cannot be read', async () => {
    const missing = parseSuite({ expectation_suite_name: 'missing', meta: { table: 'silver/nope' }, expectations: [{ expectation_type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 1 } }] });
    const out = await runDqGate({ lake, suites: [missing], runId: 'run-3' });
    expect(out.blocking).toBe(true);
    expect(out.results[0]?.validation.results[0]?.exception_info.raised_exception).toBe(true);
  });
});
