/** `lakehouse dq validate` through its command function (main.ts wiring is the lead's). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dqCommand } from '../../../shared/cli/dq-command.js';
import { createCliContext } from '../../../shared/cli/context.js';
import { loadSettings } from '../../../shared/config/config.js';
import { tempDir } from '../../unit/dq/dq-fixtures.js';
import { buildRetailLake } from '../../unit/dq/retail-fixtures.js';

const ctx = createCliContext(loadSettings({}));

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    return { code: await dqCommand(argv, ctx), out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lakehouse dq validate', () => {
  it('prints the GE validation result and exits 0 even when expectations fail; referenced tables come from the lake', async () => {
    const root = tempDir('dq-cli-');
    await buildRetailLake(root);
    const suitePath = join(root, 'suite.json');
    writeFileSync(
      suitePath,
      JSON.stringify({
        name: 'cli',
        meta: { table: 'silver/transactions' },
        expectations: [
          { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'transaction_id' } },
          { type: 'expect_basket_line_totals_to_sum_to_subtotal', kwargs: {} },
        ],
      }),
    );
    const { code, out } = await capture(['validate', '--suite', suitePath, `file://${root}/silver/transactions`]);
    expect(code).toBe(0);
    const result = JSON.parse(out) as { success: boolean; statistics: { evaluated_expectations: number }; results: { success: boolean; result: { unexpected_count?: number } }[] };
    expect(result.success).toBe(false);
    expect(result.statistics.evaluated_expectations).toBe(2);
    expect(result.results.map((r) => [r.success, r.result.unexpected_count])).toEqual([
      [true, 0],
      [false, 1],
    ]);
  });

  it('fails (throws → non-zero exit in main) when the table cannot be read', async () => {
    const root = tempDir('dq-cli-');
    const suitePath = join(root, 'suite.json');
    writeFileSync(suitePath, JSON.stringify({ expectation_suite_name: 's', expectations: [] }));
    await expect(capture(['validate', '--suite', suitePath, join(root, 'missing')])).rejects.toThrow();
  });

  it('fails on an invalid suite', async () => {
    const root = tempDir('dq-cli-');
    const suitePath = join(root, 'suite.json');
    writeFileSync(suitePath, '{"expectations": 3}');
    await expect(capture(['validate', '--suite', suitePath, root])).rejects.toThrow(/invalid expectation suite/);
  });
});
