/**
 * Cross-check with real great_expectations (the project's venv): the same suite on the same Delta
 * tables gives the same success and unexpected_count for every expectation both implement. A missing
 * venv fails this test (pythonBin throws); it is never skipped.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DqSession } from '../../../shared/dq/dq-session.js';
import { exportSuite, parseSuite } from '../../../shared/dq/suite.js';
import { validateSuite } from '../../../shared/dq/validate-suite.js';
import type { SuiteValidationResult } from '../../../shared/dq/validation-result.js';
import { pythonBin, REPO_ROOT } from '../../support/python.js';
import { CASES, PEOPLE_ROWS, PEOPLE_SCHEMA } from '../../unit/dq/core-cases.js';
import { buildTable, localTable, tempDir } from '../../unit/dq/dq-fixtures.js';

const run = promisify(execFile);
const GE_CHECK = join(REPO_ROOT, 'scripts', 'python', 'ge_check.py');

interface GeOutcome {
  type: string;
  success: boolean | null;
  unexpected_count: number | null;
  error: string | null;
}

const suite = parseSuite({
  expectation_suite_name: 'cross-check',
  expectations: CASES.map((c) => ({ expectation_type: c.type, kwargs: c.kwargs, meta: {} })),
});
const ours: Record<string, SuiteValidationResult> = {};
const theirs: Record<string, GeOutcome[]> = {};
const root = tempDir('dq-ge-');
const tables = ['people', 'empty'] as const;

beforeAll(async () => {
  await buildTable(localTable(root, 'people'), PEOPLE_SCHEMA, [PEOPLE_ROWS.slice(0, 6), PEOPLE_ROWS.slice(6)]);
  await buildTable(localTable(root, 'people_copy'), PEOPLE_SCHEMA, [PEOPLE_ROWS]);
  await buildTable(localTable(root, 'empty'), PEOPLE_SCHEMA, []);
  const session = await DqSession.open();
  try {
    await session.registerTable('people_copy', localTable(root, 'people_copy'));
    for (const name of tables) {
      ours[name] = (await validateSuite(session, await session.registerTable(name, localTable(root, name)), suite)).result;
    }
  } finally {
    await session.close();
  }
  // GE reads the suite as exported by us (the 1.x dialect), so export is part of what is checked.
  const suitePath = join(root, 'suite.json');
  writeFileSync(suitePath, JSON.stringify(exportSuite(suite, { dialect: '1.x' })));
  const { stdout } = await run(pythonBin(), [GE_CHECK, '--suite', suitePath, ...tables.map((t) => join(root, t))], {
    cwd: REPO_ROOT,
    timeout: 300_000,
    maxBuffer: 1 << 26,
  });
  for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const parsed = JSON.parse(line) as { table: string; results: GeOutcome[] };
    theirs[parsed.table.slice(root.length + 1)] = parsed.results;
  }
}, 300_000);

describe('same suite, same data: our engine and great_expectations agree', () => {
  for (const name of tables) {
    for (const [i, c] of CASES.entries()) {
      const label = `${i} ${c.type} ${JSON.stringify(c.kwargs)} on ${name}`;
      // Cases GE's pandas engine cannot run (c.geSkip says why) are covered by the unit test only.
      if (c.geSkip) continue;
      it(label, () => {
        const ge = theirs[name]?.[i];
        const our = ours[name]?.results[i];
        expect(ge, 'GE produced a result').toBeDefined();
        expect(ge?.error ?? null, 'GE ran the expectation').toBeNull();
        expect(our?.success).toBe(ge?.success);
        if (ge?.unexpected_count !== null && ge?.unexpected_count !== undefined) {
          expect(our?.result['unexpected_count']).toBe(ge.unexpected_count);
        }
      });
    }
  }

  it('compared every non-skipped case with an unexpected_count where GE reports one', () => {
    const compared = (theirs['people'] ?? []).filter((g) => g.unexpected_count !== null).length;
    expect(compared).toBeGreaterThanOrEqual(20);
  });
});
