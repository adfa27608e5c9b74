/**
 * Maintenance timers: Bronze compaction hourly, Gold compaction after the pipeline's publish window,
 * checkpoint + log cleanup + vacuum daily. Schedules come from settings. Each run skips tables with no
 * new commits and records metrics in ops/maintenance_runs; a failing table is reported, not fatal.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { loadSettings } from '../shared/config/config.js';
import { lakeRuntime } from '../shared/storage/lake-runtime.js';
import { ALL_TABLES, bronzeTables, goldTables } from '../shared/maintenance/maintenance-plan.js';
import type { MaintenanceJob, TableMaintenance } from '../shared/maintenance/maintenance-plan.js';
import { runMaintenance } from '../shared/maintenance/run-maintenance.js';

async function run(
  job: MaintenanceJob,
  tables: TableMaintenance[],
  timer: Timer,
  context: InvocationContext,
): Promise<void> {
  const { lake, settings } = lakeRuntime();
  if (timer.isPastDue) context.warn(`${context.functionName} is running late`);
  const result = await runMaintenance(lake, {
    job,
    tables,
    maxBytesPerRun: settings.MAINTENANCE_MAX_BYTES_PER_RUN,
    log: (m) => context.log(m),
  });
  const failed = result.outcomes.filter((o) => o.status === 'failed');
  if (failed.length)
    context.error(
      `${failed.length} table(s) failed: ${failed.map((f) => `${f.table}: ${f.detail}`).join('; ')}`,
    );
}

export const compactBronzeHandler = (timer: Timer, context: InvocationContext) =>
  run('compact', bronzeTables(lakeRuntime().settings.BRONZE_TARGET_FILE_SIZE_BYTES), timer, context);
export const compactGoldHandler = (timer: Timer, context: InvocationContext) =>
  run('compact', goldTables(lakeRuntime().settings.GOLD_TARGET_FILE_SIZE_BYTES), timer, context);
export const vacuumHandler = (timer: Timer, context: InvocationContext) =>
  run(
    'checkpoint-vacuum',
    ALL_TABLES.map((table) => ({ table, targetFileSize: 0, clusterBy: [] })),
    timer,
    context,
  );

const settings = loadSettings();
app.timer('maintenance-compact-bronze', {
  schedule: settings.MAINTENANCE_BRONZE_COMPACT_SCHEDULE,
  handler: compactBronzeHandler,
});
app.timer('maintenance-compact-gold', {
  schedule: settings.MAINTENANCE_GOLD_COMPACT_SCHEDULE,
  handler: compactGoldHandler,
});
app.timer('maintenance-checkpoint-vacuum', {
  schedule: settings.MAINTENANCE_VACUUM_SCHEDULE,
  handler: vacuumHandler,
});
