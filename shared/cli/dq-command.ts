/**
 * `lakehouse dq validate --suite <suite.json> <table-url>` (fixed contract, ARCHITECTURE.md §3.3):
 * prints the Great Expectations-shaped validation result JSON on stdout. Exit 0 when the validation
 * ran, whatever it found; non-zero (one line on stderr) when it could not: unreadable suite or table.
 */
import { parseArgs } from 'node:util';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { DqSession } from '../dq/dq-session.js';
import { expectationDefinition, isRowLevel } from '../dq/expectations/registry.js';
import { readSuiteFile } from '../dq/suite.js';
import { validateSuite } from '../dq/validate-suite.js';
import type { CliContext } from './context.js';
import { UsageError } from './output.js';

export const DQ_HELP = `Usage: lakehouse dq validate --suite <suite.json> <table-url> [options]

Validates the table (a Delta table URL) against an expectation suite in Great Expectations' JSON format
and prints the validation result (GE's shape) as JSON. Exit 0 when the validation ran, whatever it found.

Options:
  --suite FILE      the expectation suite (GE 0.x or 1.x JSON)
  --version N       validate the table as of version N
  --lake URL        lake root for tables the suite's expectations reference (e.g. silver/sales_lines);
                    default: the table URL minus the suite's meta.table suffix, else minus two segments
  -h, --help        show this help`;

export async function dqCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      suite: { type: 'string' },
      version: { type: 'string' },
      lake: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(DQ_HELP);
    return 0;
  }
  const [verb, url] = positionals;
  if (verb !== 'validate')
    throw new UsageError(`${verb === undefined ? 'missing verb' : `unknown verb ${verb}`}\n\n${DQ_HELP}`);
  if (!url) throw new UsageError(`missing table URL\n\n${DQ_HELP}`);
  if (!values.suite) throw new UsageError(`missing --suite\n\n${DQ_HELP}`);
  const version = values.version === undefined ? undefined : Number(values.version);
  if (version !== undefined && (!Number.isInteger(version) || version < 0))
    throw new UsageError(`--version must be a non-negative integer, got ${values.version}`);
  const suite = await readSuiteFile(values.suite, isRowLevel);
  const tableName = typeof suite.meta['table'] === 'string' ? suite.meta['table'] : 'table';
  const lakeUrl = values.lake ?? lakeOf(url, tableName);
  const session = await DqSession.open();
  try {
    const lake: ObjectStore | undefined = lakeUrl === undefined ? undefined : ctx.openStore(lakeUrl);
    for (const config of suite.expectations) {
      let names: string[] = [];
      try {
        names = expectationDefinition(config.expectation_type)?.tables?.(config.kwargs) ?? [];
      } catch {
        continue;
      }
      for (const name of names) {
        if (!lake || session.table(name)) continue;
        // A referenced table that cannot be read fails only the expectations that need it.
        await session.registerTable(name, ctx.openStore(joinUrl(lakeUrl ?? '', name))).catch(() => undefined);
      }
    }
    const table = await session.registerTable(tableName, ctx.openStore(url), {
      ...(version === undefined ? {} : { version }),
      resolveAbsolute: (uri) => ctx.resolveAbsolute(uri),
    });
    const { result } = await validateSuite(session, table, suite);
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    await session.close();
  }
}

function lakeOf(url: string, tableName: string): string | undefined {
  const trimmed = url.replace(/\/+$/, '');
  if (tableName !== 'table' && trimmed.endsWith(`/${tableName}`))
    return trimmed.slice(0, -tableName.length - 1);
  const parts = trimmed.split('/');
  return parts.length > 3 ? parts.slice(0, -2).join('/') : undefined;
}

function joinUrl(base: string, name: string): string {
  return `${base.replace(/\/+$/, '')}/${name}`;
}
