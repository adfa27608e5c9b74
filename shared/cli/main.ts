/**
 * `lakehouse` — the project's command line. Exit codes: 0 success, 1 failure (one clear line on
 * stderr), 2 usage error.
 */
import { loadSettings, ConfigError } from '../config/config.js';
import { DeltaError } from '../delta/errors.js';
import { createCliContext } from './context.js';
import { UsageError } from './output.js';
import { tableCommand } from './table-command.js';
import { runCommand } from './run-command.js';
import { simulateCommand } from './simulate-command.js';
import { ingestCommand } from './ingest-command.js';
import { dqCommand } from './dq-command.js';
import { quarantineCommand } from './quarantine-command.js';

const HELP = `Usage: lakehouse <command> [options]

Commands:
  table scan|history|files|stats <table-url>   inspect a Delta table (see: lakehouse table --help)
  table compact|checkpoint|vacuum <table-url>   maintain a Delta table
  simulate --seed N --stores N --events N --out DIR   generate POS traffic, master data and history
  ingest --from FILE|DIR [--from …] --lake URL  land events in Bronze exactly once (same path as Event Hubs)
  quarantine summary|export [--reason CODES]    what was quarantined, and its bodies back for replay
  dq validate --suite suite.json <table-url>    Great Expectations-shaped validation result as JSON
  run                                           the local pipeline (what \`npm start\` runs)
  run pipeline [--lake URL] [--landing DIR] [--date D]   one batch orchestration run, followed to the end

Options:
  -h, --help   show this help`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  const ctx = createCliContext(loadSettings());
  switch (command) {
    case 'table':
      return tableCommand(rest, ctx);
    case 'run':
      return runCommand(rest, ctx);
    case 'simulate':
      return simulateCommand(rest, ctx);
    case 'ingest':
      return ingestCommand(rest, ctx);
    case 'quarantine':
      return quarantineCommand(rest, ctx);
    case 'dq':
      return dqCommand(rest, ctx);
    default:
      throw new UsageError(`unknown command ${command}\n\n${HELP}`);
  }
}

// `lakehouse table scan … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`lakehouse: ${err.message}`);
      process.exitCode = 2;
    } else if (err instanceof DeltaError || err instanceof ConfigError) {
      console.error(`lakehouse: ${err.message.split('\n').join(' ')}`);
      process.exitCode = 1;
    } else if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`lakehouse: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(`lakehouse: ${err instanceof Error ? err.message : String(err)}`);
      if (debugEnabled()) console.error(err);
      process.exitCode = 1;
    }
  },
);

function debugEnabled(): boolean {
  try {
    return Boolean(loadSettings().LAKEHOUSE_DEBUG);
  } catch {
    return false;
  }
}
