/**
 * Composition of the batch pipeline's engines from settings: local loader or Azure Data Factory for
 * the load; the embedded DuckDB transform or a Databricks job for Silver/Gold; the DQ gate; publish;
 * the run ledger. Built once per process; the transform and DQ use cases are passed in so this module
 * stays a wiring table.
 */
import type { Settings } from '../config/config.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import { DeltaError } from '../delta/errors.js';
import { openLake, openLanding, processCredential, storeOptionsFor } from '../storage/lake-store.js';
import { openStore } from '../storage/store-from-url.js';
import { hostTableClient } from './host-tables.js';
import { WATERMARK_KEY } from './transform-step.js';
import { runLocalLoader } from '../batch-load/local-loader.js';
import { batchLoadRunRequest } from '../batch-load/adf-contract.js';
import { AdfClient } from '../clients/adf-client.js';
import type { AdfRunStatus } from '../clients/adf-client.js';
import { DatabricksClient, idempotencyTokenFor } from '../clients/databricks-client.js';
import type { ExternalJobRef, ExternalJobState, StepOutcome } from '../../orchestrations/pipeline-types.js';
import type { PipelineEngines, StepRequest } from './pipeline-engines.js';
import { RUNS_AZURE_TABLE, runLedger } from './run-ledger.js';

export const GOLD_TABLES = [
  'gold/sales_store_hour',
  'gold/product_sales_daily',
  'gold/basket_metrics_daily',
  'gold/tender_mix_daily',
];
export const PUBLISHED_MANIFEST = 'ops/published/latest.json';

export interface StepUseCases {
  transform(lake: ObjectStore, request: StepRequest): Promise<StepOutcome>;
  dqGate(lake: ObjectStore, request: StepRequest): Promise<StepOutcome>;
}

export function buildPipelineEngines(
  settings: Settings,
  useCases: StepUseCases,
  now: () => number = Date.now,
): PipelineEngines {
  const lake = openLake(settings);
  const landing = () => openLanding(settings);
  const credential = processCredential;
  const adf = () =>
    new AdfClient({
      factory: {
        subscriptionId: required(settings.ADF_SUBSCRIPTION_ID, 'ADF_SUBSCRIPTION_ID'),
        resourceGroup: required(settings.ADF_RESOURCE_GROUP, 'ADF_RESOURCE_GROUP'),
        factoryName: required(settings.ADF_FACTORY_NAME, 'ADF_FACTORY_NAME'),
      },
      credential: credential(),
    });
  const databricks = () =>
    new DatabricksClient({
      workspaceUrl: required(settings.DATABRICKS_WORKSPACE_URL, 'DATABRICKS_WORKSPACE_URL'),
      auth: settings.DATABRICKS_TOKEN ? { pat: settings.DATABRICKS_TOKEN } : { credential: credential() },
    });
  const ledger = runLedger(lake, hostTableClient(settings, RUNS_AZURE_TABLE), now);

  async function load(source: ObjectStore): Promise<StepOutcome> {
    const r = await runLocalLoader({ landing: source, lake, now });
    const rowCounts: Record<string, number> = {};
    const tableVersions: Record<string, number> = {};
    for (const t of Object.values(r.tables)) {
      rowCounts[t.table] = t.rowsWritten;
      if (t.version >= 0) tableVersions[t.table] = t.version;
    }
    const loaded = r.files.filter((f) => f.status === 'loaded').length;
    const quarantined = r.files.reduce((n, f) => n + f.quarantined, 0);
    return {
      rowCounts,
      tableVersions,
      detail: `${loaded} files loaded, ${r.files.length - loaded} unchanged or ignored, ${quarantined} rows quarantined`,
    };
  }

  return {
    loadLocal: () => load(landing()),
    loadRaw: (request) =>
      load(
        prefixed(
          openStore(settings.RAW_URL, storeOptionsFor(settings.RAW_URL, settings)),
          `${settings.ADF_SOURCE}/${request.businessDate}`,
        ),
      ),
    async startAdfRun(request) {
      const run = batchLoadRunRequest({
        businessDate: request.businessDate,
        source: settings.ADF_SOURCE,
        runKey: request.instanceId,
      });
      const created = await adf().createRun(run.pipelineName, run.parameters, {
        dedupeParameter: run.dedupeParameter,
      });
      return {
        kind: 'adf',
        runId: created.runId,
        url: `https://adf.azure.com/monitoring/pipelineruns/${created.runId}?factory=${encodeURIComponent(`/subscriptions/${settings.ADF_SUBSCRIPTION_ID ?? ''}/resourceGroups/${settings.ADF_RESOURCE_GROUP ?? ''}/providers/Microsoft.DataFactory/factories/${settings.ADF_FACTORY_NAME ?? ''}`)}`,
      };
    },
    async startDatabricksRun(request) {
      const { runId } = await databricks().runNow({
        jobId: required(settings.DATABRICKS_JOB_ID, 'DATABRICKS_JOB_ID'),
        jobParameters: {
          lake_root: settings.LAKE_URL,
          mode: 'incremental',
          // the same watermark the embedded engine keeps, so the two engines can take turns
          since: await storedWatermarkJson(lake),
          business_date: request.businessDate,
          run_id: request.instanceId,
        },
        idempotencyToken: idempotencyTokenFor(request.instanceId, 'transform'),
      });
      const run = await databricks().getRun(runId);
      return { kind: 'databricks', runId: String(runId), ...(run.runPageUrl ? { url: run.runPageUrl } : {}) };
    },
    pollExternalJob: (job) => pollJob(job, adf, databricks),
    async cancelExternalJob(job) {
      if (job.kind === 'adf') await adf().cancel(job.runId, { recursive: true });
      else await databricks().cancelRun(Number(job.runId));
    },
    transformLocal: (request) => useCases.transform(lake, request),
    dqGate: (request) => useCases.dqGate(lake, request),
    async publish(request) {
      const tableVersions: Record<string, number> = {};
      for (const table of GOLD_TABLES) {
        try {
          tableVersions[table] = (await loadSnapshot(prefixed(lake, table), { skipReadCheck: true })).version;
        } catch (err) {
          if (!(err instanceof DeltaError && err.kind === 'TableNotFound')) throw err;
        }
      }
      const manifest = {
        businessDate: request.businessDate,
        instanceId: request.instanceId,
        publishedAt: new Date(now()).toISOString(),
        tableVersions,
      };
      await lake.put(PUBLISHED_MANIFEST, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
      return { tableVersions, detail: `published ${Object.keys(tableVersions).length} Gold tables` };
    },
    recordRun: (entry) => ledger.record(entry),
  };
}

async function pollJob(
  job: ExternalJobRef,
  adf: () => AdfClient,
  databricks: () => DatabricksClient,
): Promise<ExternalJobState> {
  if (job.kind === 'adf') {
    const client = adf();
    const run = await client.getRun(job.runId);
    const terminal: AdfRunStatus[] = ['Succeeded', 'Failed', 'Cancelled'];
    if (!terminal.includes(run.status)) return { terminal: false, succeeded: false, state: run.status };
    if (run.status === 'Succeeded') return { terminal: true, succeeded: true, state: run.status };
    const failure = await client.describeFailure(run);
    return { terminal: true, succeeded: false, state: run.status, message: failure.message };
  }
  const run = await databricks().getRun(Number(job.runId));
  return {
    terminal: run.terminal,
    succeeded: run.succeeded,
    state: run.resultState ? `${run.lifeCycleState}/${run.resultState}` : run.lifeCycleState,
    ...(run.stateMessage ? { message: run.stateMessage } : {}),
    ...(run.runPageUrl ? { url: run.runPageUrl } : {}),
  };
}

async function storedWatermarkJson(lake: ObjectStore): Promise<string> {
  const bytes = await lake.get(WATERMARK_KEY);
  if (!bytes) return '';
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { watermark?: unknown };
  return parsed.watermark ? JSON.stringify(parsed.watermark) : '';
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`setting ${name} is required for this pipeline engine`);
  return value;
}
